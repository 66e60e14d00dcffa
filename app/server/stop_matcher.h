#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nanovlm::server {

// Cuts a streamed answer at the first of the request's `stop` strings. Text that could be the
// start of a stop string is held back until the next piece shows whether it is, so a stream
// never shows what a stop later removes.
class StopMatcher {
public:
    explicit StopMatcher(std::vector<std::string> stops) : stops_(std::move(stops)) {}

    // The text now safe to show. Once a stop string is found, it and everything after are
    // dropped and stopped() is true.
    std::string push(std::string_view text);
    // Whatever was held back (the answer ended without the stop string completing).
    std::string finish();
    bool stopped() const { return stopped_; }

private:
    std::vector<std::string> stops_;
    std::string held_;
    bool stopped_ = false;
};

} // namespace nanovlm::server
