#pragma once

#include <stdexcept>
#include <string>

namespace nanovlm {

// The one error type of the engine. Its message is written for a person: it names the file,
// the tensor or field, and what was expected versus found, so the app can show it as it is.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

} // namespace nanovlm
