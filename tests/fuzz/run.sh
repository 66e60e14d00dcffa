#!/usr/bin/env bash
# Runs every fuzz target of a `fuzz` preset build on its seed corpus plus what earlier runs
# found, each until it has used CPU_SECONDS of CPU time (default 60) or executed
# NANOVLM_FUZZ_MAX_RUNS inputs (default 10,000,000), whichever comes first, and prints
# libFuzzer's execution count and the CPU time per target.
#   tests/fuzz/run.sh [CPU_SECONDS] [TARGET...]
# CPU time, not wall time, because the issue's budget is CPU time and a shared machine (or a
# second run beside this one) would otherwise shorten the run without saying so.
# libFuzzer's -timeout is wall time, so it is generous: a starved run (nice, beside a build) once
# took 26 s for a 0.3 s input.
# A crash, leak, hang or sanitizer report stops the run with exit code 1 and leaves the input in
# build/fuzz/findings/ (turn it into a regression test, then add it to seeds/).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/build/fuzz"
cpu_budget="${1:-60}"
shift || true
max_runs="${NANOVLM_FUZZ_MAX_RUNS:-10000000}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(fuzz_safetensors fuzz_model_config fuzz_tokenizer_json fuzz_tokenizer_encode
             fuzz_image_geometry fuzz_chat_file)
fi
ticks="$(getconf CLK_TCK)"

cpu_seconds_of() {
    # utime + stime are fields 14 and 15; our targets' names hold no spaces.
    awk -v t="$ticks" '{ printf "%d", ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || true
}

mkdir -p "$build/findings"
for target in "${targets[@]}"; do
    corpus="$build/corpus/$target"
    mkdir -p "$corpus"
    log="$build/findings/$target.log"
    "$build/tests/fuzz/$target" -runs="$max_runs" -rss_limit_mb=4096 -timeout=60 \
        -print_final_stats=1 -artifact_prefix="$build/findings/$target-" \
        "$corpus" "$root/tests/fuzz/seeds/$target" >"$log" 2>&1 &
    pid=$!
    used=0
    interrupted=0
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        now="$(cpu_seconds_of "$pid")"
        used="${now:-$used}"
        if [ "$used" -ge "$cpu_budget" ]; then
            kill -INT "$pid" 2>/dev/null || true
            interrupted=1
            break
        fi
    done
    status=0
    wait "$pid" || status=$?
    # libFuzzer answers SIGINT by printing its final stats and exiting non-zero.
    if [ "$status" -ne 0 ] && ! { [ "$interrupted" -eq 1 ] && grep -q "run interrupted" "$log"; }; then
        tail -40 "$log"
        echo "$target: FAILED (input and log in $build/findings/)"
        exit 1
    fi
    runs="$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}')"
    echo "$target: ${runs:-?} executions in ${used} CPU seconds, no crash, leak or sanitizer report"
done
