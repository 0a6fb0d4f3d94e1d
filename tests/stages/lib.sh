# Helpers for the stage tests in tests/stages/*.sh.  Source it first:
#     . "$TOP/tests/stages/lib.sh"
# Environment: QAPIC (absolute path of the program), TOP (source root),
# CORPUS (corpus directory, empty if none), TMPDIR (scratch directory of
# this stage), QAPIC_WRAPPER (optional command put in front of qapic, e.g.
# valgrind).
#
# Result lines, counted by tests/run.sh:
#     PASS: name
#     FAIL: name: reason
#     SKIP: name (reason)

set -u

: "${TOP:?TOP is not set; run through tests/run.sh or make check}"
: "${QAPIC:=$TOP/qapic}"
: "${CORPUS:=}"
: "${TMPDIR:=$TOP/build/tmp}"
: "${QAPIC_WRAPPER:=}"
mkdir -p "$TMPDIR"

# Output and status of the last run_qapic / expect_exit.
OUT=$TMPDIR/out
ERR=$TMPDIR/err
STATUS=0

pass() { printf 'PASS: %s\n' "$1"; }
fail() { printf 'FAIL: %s: %s\n' "$1" "${2:-failed}"; }
skip() { printf 'SKIP: %s (%s)\n' "$1" "${2:-skipped}"; }

# Exit statuses that mean a sanitizer or valgrind found a bug ("make
# check-asan" and "make check-valgrind" set them).
SANITIZER_STATUSES='|86|87|99|'

# run_qapic ARGS...: runs qapic (behind QAPIC_WRAPPER) with stdout in $OUT
# and stderr in $ERR; sets STATUS.  A sanitizer or valgrind report becomes
# a FAIL line of its own, so a test expecting a non-zero status cannot
# mistake it for a normal error.  Never fails itself.
run_qapic() {
    # QAPIC_WRAPPER is split into words on purpose.
    # shellcheck disable=SC2086
    $QAPIC_WRAPPER "$QAPIC" "$@" >"$OUT" 2>"$ERR" </dev/null
    STATUS=$?
    if [[ $SANITIZER_STATUSES == *"|$STATUS|"* ]] ||
       grep -Eq '^==[0-9]+==ERROR: |: runtime error: |^==[0-9]+== .*(Invalid|uninitialised|definitely lost)' "$ERR"; then
        fail "memcheck: qapic $*" "$(grep -Em 1 'ERROR|runtime error|Invalid|uninitialised|definitely' "$ERR")"
        sed 's/^/    /' "$ERR" >&2
    fi
    return 0
}

# need_corpus [NAME]: returns 1 after printing a loud SKIP line when there
# is no corpus.  Usage:  need_corpus "golden tests" || exit 0
need_corpus() {
    if [ -z "$CORPUS" ] || [ ! -d "$CORPUS" ]; then
        local msg="SKIP: ${1:-corpus tests}: corpus not found (looked in ${CORPUS:-../shared/corpus; configure --with-corpus=DIR})"
        printf '%s\n' "$msg"
        printf '*** %s\n' "$msg" >&2
        return 1
    fi
    return 0
}

# describe_status N: "exit N", or the signal for N > 128.
describe_status() {
    if [ "$1" -gt 128 ]; then
        printf 'killed by signal %d' $(($1 - 128))
    else
        printf 'exit %d' "$1"
    fi
}

# expect_exit NAME CODE ARGS...: runs qapic ARGS and checks the exit status.
# CODE may be a list such as "1|2".  Prints PASS or FAIL (with the first
# line of stderr); returns 0 on PASS.  $OUT, $ERR, $STATUS stay for further
# checks.
expect_exit() {
    local name=$1 want=$2
    shift 2
    run_qapic "$@"
    if [[ "|$want|" == *"|$STATUS|"* ]]; then
        pass "$name"
        return 0
    fi
    fail "$name" "expected exit $want, got $(describe_status "$STATUS"): $(head -n 1 "$ERR")"
    return 1
}

# check NAME COMMAND...: PASS if COMMAND succeeds, else FAIL.
check() {
    local name=$1
    shift
    if "$@"; then
        pass "$name"
    else
        fail "$name" "$*"
    fi
}

# grep_out NAME PATTERN [FILE]: PASS if FILE (default $OUT) matches the
# extended regular expression PATTERN.
grep_out() {
    local name=$1 pattern=$2 file=${3:-$OUT}
    if grep -Eq -- "$pattern" "$file"; then
        pass "$name"
    else
        fail "$name" "no line matches /$pattern/ in $(basename "$file"): $(head -n 1 "$file")"
    fi
}

# small_dump FILE: writes a small capability dump that is not in canonical
# form (so "replies fix" rewrites it): qmp_capabilities, then a
# query-qmp-schema whose schema has just these two commands.
small_dump() {
    printf '%s\n' \
        '{"execute": "qmp_capabilities", "id": "a"}' '{"return": {}, "id": "a"}' \
        '{"execute": "query-qmp-schema", "id": "b"}' \
        '{"return": [{"name": "qmp_capabilities", "meta-type": "command", "arg-type": "0", "ret-type": "0"},
                     {"name": "query-qmp-schema", "meta-type": "command", "arg-type": "0", "ret-type": "0"},
                     {"name": "0", "meta-type": "object", "members": []}], "id": "b"}' \
        >"$1"
}
