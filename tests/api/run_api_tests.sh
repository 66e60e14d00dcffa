#!/usr/bin/env bash
# Runs the OpenAI-client tests of `nanovlm serve` (CTest: api_openai_client).
#   run_api_tests.sh SOURCE_DIR WORK_DIR
# The pinned client is installed once into WORK_DIR (npm ci from package-lock.json) and reused
# while the lockfile is unchanged, so later runs need no network. Exit 77 (skipped) when node
# or npm is missing.
set -euo pipefail
src="$1"
work="$2"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "node and npm are needed (tools/install-deps.sh installs them): skipping"
    exit 77
fi
mkdir -p "$work"
if [ ! -d "$work/node_modules/openai" ] || ! cmp -s "$src/package-lock.json" "$work/package-lock.json"; then
    cp "$src/package.json" "$src/package-lock.json" "$work/"
    (cd "$work" && npm ci --no-audit --no-fund --ignore-scripts)
fi
# The tests import 'openai' from the folder they sit in.
cp "$src"/*.mjs "$work/"
cd "$work"
# One file at a time (Node 18, Debian's, has no --test-concurrency): each starts its own servers,
# and the hang-up timings should not compete with another file's answers for the CPU.
status=0
for file in ./*.test.mjs; do
    node --test "$file" || status=1
done
exit $status
