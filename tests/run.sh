#!/bin/bash
# Runs the whole test suite: the unit-test binary, then every stage script
# tests/stages/*.sh (except lib.sh).  Each prints lines
#     PASS: name | FAIL: name: reason | SKIP: name (reason)
# which are echoed and counted.  The last line printed is the summary
#     N passed, N failed[, N skipped]
# and the exit status is 1 if anything failed.
#
# Environment (set by "make check"): QAPIC, TOP, CORPUS, UNIT_BIN, TMPDIR;
# optional QAPIC_WRAPPER (e.g. valgrind), STAGES (names of the stages to run,
# e.g. STAGES="cli parse"), TEST_JOBS (how many run at once).
set -u

: "${TOP:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${QAPIC:=$TOP/qapic}"
: "${CORPUS:=}"
: "${UNIT_BIN:=$TOP/build/tests/unit-tests}"
: "${TMPDIR:=$TOP/build/tmp}"
: "${QAPIC_WRAPPER:=}"
export QAPIC TOP CORPUS TMPDIR QAPIC_WRAPPER
mkdir -p "$TMPDIR"

passed=0 failed=0 skipped=0

# count NAME: reads test output on stdin, echoes it, updates the counters.
# Output from a crashed or misbehaving runner is echoed but not counted;
# the caller records the crash itself.
count() {
    local line
    while IFS= read -r line; do
        printf '%s\n' "$line"
        case $line in
        PASS:*) passed=$((passed + 1)) ;;
        FAIL:*) failed=$((failed + 1)) ;;
        SKIP:*) skipped=$((skipped + 1)) ;;
        esac
    done
}

# The unit binary and the stages run TEST_JOBS at a time (default: the
# number of processors), each with its own output files; their results are
# counted afterwards in a fixed order, so the log reads the same however
# the jobs interleaved.
: "${TEST_JOBS:=$(nproc 2>/dev/null || echo 1)}"
[[ $TEST_JOBS =~ ^[1-9][0-9]*$ ]] || TEST_JOBS=1
names=()
results=$TMPDIR

# start NAME CMD...: runs one test program in the background, its output,
# errors and exit status in files named for it.
start() {
    local name=$1
    shift
    while [ "$(jobs -rp | wc -l)" -ge "$TEST_JOBS" ]; do
        wait -n
    done
    names+=("$name")
    (
        "$@" >"$results/run-$name.out" 2>"$results/run-$name.err"
        echo $? >"$results/run-$name.status"
    ) &
}

# collect NAME: counts what one finished program printed and checks that
# its exit status agrees with it.
collect() {
    local name=$1 before=$failed status
    count <"$results/run-$name.out"
    if [ -s "$results/run-$name.err" ]; then
        # stderr is shown, so warnings and sanitizer reports are not lost.
        sed "s/^/[$name stderr] /" "$results/run-$name.err" >&2
    fi
    status=$(cat "$results/run-$name.status" 2>/dev/null || echo 255)
    if [ "$status" -ne 0 ] && [ "$failed" -eq "$before" ]; then
        printf 'FAIL: %s: exited with status %d without reporting a failure\n' \
            "$name" "$status"
        failed=$((failed + 1))
    fi
}

if [ -z "${STAGES:-}" ] || [[ " $STAGES " == *" unit "* ]]; then
    if [ -x "$UNIT_BIN" ]; then
        start unit $QAPIC_WRAPPER "$UNIT_BIN"
    else
        printf 'FAIL: unit: %s not built\n' "$UNIT_BIN"
        failed=$((failed + 1))
    fi
fi

for script in "$TOP"/tests/stages/*.sh; do
    stage=$(basename "$script" .sh)
    [ "$stage" = lib ] && continue
    if [ -n "${STAGES:-}" ] && [[ " $STAGES " != *" $stage "* ]]; then
        continue
    fi
    stage_tmp=$TMPDIR/$stage
    rm -rf "$stage_tmp" && mkdir -p "$stage_tmp"
    TMPDIR=$stage_tmp start "$stage" bash "$script" </dev/null
done
wait
for name in "${names[@]}"; do
    collect "$name"
done

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
printf '%s\n' "$summary"
[ "$failed" -eq 0 ]
