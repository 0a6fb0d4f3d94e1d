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
# e.g. STAGES="cli parse").
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

# run NAME CMD...: runs one test program and checks that its exit status
# agrees with what it printed.
run() {
    local name=$1 before=$failed status out
    shift
    out=$TMPDIR/run-$name.out
    "$@" >"$out" 2>"$TMPDIR/run-$name.err"
    status=$?
    count <"$out"
    if [ -s "$TMPDIR/run-$name.err" ]; then
        # stderr is shown, so warnings and sanitizer reports are not lost.
        sed "s/^/[$name stderr] /" "$TMPDIR/run-$name.err" >&2
    fi
    if [ "$status" -ne 0 ] && [ "$failed" -eq "$before" ]; then
        printf 'FAIL: %s: exited with status %d without reporting a failure\n' \
            "$name" "$status"
        failed=$((failed + 1))
    fi
}

if [ -z "${STAGES:-}" ] || [[ " $STAGES " == *" unit "* ]]; then
    if [ -x "$UNIT_BIN" ]; then
        run unit $QAPIC_WRAPPER "$UNIT_BIN"
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
    TMPDIR=$stage_tmp run "$stage" bash "$script" </dev/null
done

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
printf '%s\n' "$summary"
[ "$failed" -eq 0 ]
