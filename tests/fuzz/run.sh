#!/usr/bin/env bash
# Runs every fuzz target of a `fuzz` preset build for SECONDS each (default 60), on its seed
# corpus plus what earlier runs found, and prints libFuzzer's execution count per target.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
# A crash, leak or sanitizer report stops the run with exit code 1 and leaves the input in
# build/fuzz/findings/ (turn it into a regression test, then add it to seeds/).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/build/fuzz"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(fuzz_safetensors fuzz_model_config fuzz_tokenizer_json fuzz_tokenizer_encode
             fuzz_image_geometry fuzz_chat_file)
fi
mkdir -p "$build/findings"
for target in "${targets[@]}"; do
    corpus="$build/corpus/$target"
    mkdir -p "$corpus"
    log="$build/findings/$target.log"
    if ! "$build/tests/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 \
            -print_final_stats=1 -artifact_prefix="$build/findings/$target-" \
            "$corpus" "$root/tests/fuzz/seeds/$target" >"$log" 2>&1; then
        tail -40 "$log"
        echo "$target: FAILED (input and log in $build/findings/)"
        exit 1
    fi
    runs="$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}')"
    echo "$target: ${runs:-?} executions in ${seconds} s, no crash"
done
