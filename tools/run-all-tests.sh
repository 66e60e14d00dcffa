#!/usr/bin/env bash
# Every test, as CI runs them: the release suite (soak and package tests included), the fuzz
# targets over their seed corpora for a short while each, then every suite that runs without the
# chat window (all but label `gui`: tst_qml, tst_gui_process, tst_chat_crash, tst_package) again
# under AddressSanitizer and UBSan. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake --preset release
cmake --build --preset release
ctest --preset release

cmake --preset fuzz
cmake --build --preset fuzz
tests/fuzz/run.sh "${NANOVLM_FUZZ_SECONDS:-20}"

cmake --preset asan-ubsan
cmake --build --preset asan-ubsan # target nanovlm_headless_tests: no QML
ctest --preset asan-ubsan         # label gui excluded
