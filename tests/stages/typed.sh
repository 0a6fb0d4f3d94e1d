# The typed tests (tests/typed/): Check suites on the bindings `qapic gen
# c` made of QEMU's schema at build time, through the generated stubs:
# against the test peer, and the migration scenario against real QEMUs
# (skipped loudly without one, inside).  Without a QEMU schema to generate
# the bindings from, the whole stage is skipped loudly.
. "$TOP/tests/stages/lib.sh"

if [ -z "${TYPED_BIN:-}" ] || [ ! -x "$TYPED_BIN" ]; then
    msg="typed: no bindings of a QEMU schema (QMP_SCHEMA='${QMP_SCHEMA:-}'; configure --with-corpus=DIR): typed tests not run"
    skip typed "$msg"
    printf '*** SKIP: %s\n' "$msg" >&2
    exit 0
fi

# The runner prints PASS/FAIL/SKIP lines itself.  The scenario's wall
# time is shown (the issue wants it under 10 s in CI), not asserted.
start=$(date +%s%N)
# QAPIC_WRAPPER (valgrind) is split into words on purpose.
# shellcheck disable=SC2086
$QAPIC_WRAPPER "$TYPED_BIN" scenario
status=$?
end=$(date +%s%N)
printf 'typed: the real-QEMU scenario took %d ms\n' $(((end - start) / 1000000)) >&2
# shellcheck disable=SC2086
$QAPIC_WRAPPER "$TYPED_BIN" stubs || status=1
exit $status
