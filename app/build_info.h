#pragma once

// What this build is: the project version and the git commit it was built from, written at
// build time by cmake/BuildInfo.cmake.

namespace nanovlm::app {

// "0.1.0"
const char* build_version();
// "6c186b4a1f2e", "6c186b4a1f2e-dirty" for a build with uncommitted changes, or "unknown"
// outside a git checkout.
const char* build_commit();

} // namespace nanovlm::app
