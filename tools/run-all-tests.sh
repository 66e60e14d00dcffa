#!/usr/bin/env bash
# Every test, as CI runs them: the release suite (soak and package tests included), the fuzz
# targets over their seed corpora for a short while each, then the whole suite again under
# AddressSanitizer and UBSan (the chat-window suites, label `gui`, without leak detection: see
# FUZZING.md). Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake --preset release
cmake --build --preset release
ctest --preset release

cmake --preset fuzz
cmake --build --preset fuzz
tests/fuzz/run.sh "${NANOVLM_FUZZ_SECONDS:-20}"

cmake --preset asan-ubsan
cmake --build --preset asan-ubsan
ctest --preset asan-ubsan
