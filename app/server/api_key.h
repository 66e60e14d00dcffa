#pragma once

#include <string>
#include <string_view>

namespace nanovlm::server {

// Compares a presented key with the server's in time that depends only on their lengths, not on
// where they first differ, so response times do not reveal the key a byte at a time.
bool keys_equal(std::string_view presented, std::string_view expected);

// The key of an "Authorization: Bearer KEY" header value, or "" when it is not one.
std::string bearer_token(std::string_view authorization);

// 127.0.0.0/8, ::1 and localhost: addresses only this computer can reach.
bool is_loopback_host(std::string_view host);

} // namespace nanovlm::server
