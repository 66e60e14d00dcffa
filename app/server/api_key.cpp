#include "api_key.h"

#include <algorithm>
#include <cctype>

namespace nanovlm::server {

bool keys_equal(std::string_view presented, std::string_view expected) {
    unsigned difference = presented.size() == expected.size() ? 0u : 1u;
    const std::size_t n = std::max(presented.size(), expected.size());
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char a = i < presented.size() ? presented[i] : 0;
        const unsigned char b = i < expected.size() ? expected[i] : 0;
        difference |= unsigned(a ^ b);
    }
    return difference == 0 && !expected.empty();
}

std::string bearer_token(std::string_view authorization) {
    constexpr std::string_view kScheme = "Bearer ";
    if (authorization.size() <= kScheme.size() ||
        !std::equal(kScheme.begin(), kScheme.end(), authorization.begin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
        return {};
    }
    std::string_view token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
    }
    while (!token.empty() && token.back() == ' ') {
        token.remove_suffix(1);
    }
    return std::string(token);
}

bool is_loopback_host(std::string_view host) {
    return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

} // namespace nanovlm::server
