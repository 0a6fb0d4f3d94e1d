# qapic gen tests: usage errors, the file set, the skeleton never
# overwritten, the include of the bindings without -I, --no-main; and the
# generated suites, compiled with -Werror as a user compiles them and run,
# for the demo schema (with its rules) and, with the corpus, QEMU's test
# schema (10.0 and 10.2), the guest agent's and QEMU 10.0's full schema (with
# rules/qemu-migration.yaml and a capability dump to replay); live mode against a real QEMU when one is
# installed.  Under make check-asan the suites are built with the
# sanitizers, under make check-valgrind they run under valgrind.
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR
demo=$TOP/schemas/demo.json
rt=${BUILDDIR:-$TOP/build}/libqapic-runtime.a
: "${SAN_FLAGS:=}" "${JSONC_CFLAGS:=}" "${JSONC_LIBS:=-ljson-c}"
: "${CHECK_CFLAGS:=$(pkg-config --cflags check 2>/dev/null)}"
: "${CHECK_LIBS:=$(pkg-config --libs check 2>/dev/null || echo -lcheck)}"
CFLAGS_T="-std=c11 -Wall -Wextra -Werror -I$TOP/runtime $CHECK_CFLAGS $JSONC_CFLAGS"
SUMMARY='^100%: Checks: [0-9]+, Failures: 0, Errors: 0$'

# --- usage and exit statuses ---------------------------------------------

expect_exit gentests/unknown-target-names-tests 2 gen cobol "$demo" &&
    grep_out gentests/unknown-target-lists-tests "\(c, tests\)" "$ERR"
expect_exit gentests/tests-option-of-c 2 gen c --skeleton -o "$T/x" "$demo" &&
    grep_out gentests/tests-option-of-c-message "'gen tests'" "$ERR"
expect_exit gentests/missing-rules 2 gen tests -o "$T/x" --rules "$T/nope.yaml" "$demo"
expect_exit gentests/missing-dump 2 gen tests -o "$T/x" --replies "$T/nope.replies" "$demo"
printf 'rules:\n  - id: r\n    command: [1]\n' >"$T/bad.yaml"
expect_exit gentests/bad-rules 1 gen tests -o "$T/x" --rules "$T/bad.yaml" "$demo"
printf '{"execute": "query-version"\n' >"$T/bad.replies"
expect_exit gentests/bad-dump 1 gen tests -o "$T/x" --replies "$T/bad.replies" "$demo"
expect_exit gentests/empty-bindings 2 gen tests -o "$T/x" --bindings '' "$demo"
check gentests/nothing-written-on-errors test ! -e "$T/x"
expect_exit gentests/help 0 gen --help && grep_out gentests/help-text 'qapic gen tests'

printf "{ 'command': 'tests' }\n" >"$T/clash.json"
expect_exit gentests/name-clash 1 gen tests -o "$T/clash" "$T/clash.json" &&
    grep_out gentests/name-clash-code "error: C identifier 'qmp_tests'" "$ERR"

# Rules and recordings the schema cannot serve are left out, loudly.
expect_exit gentests/foreign-rules 0 gen tests --prefix demo -o "$T/foreign" \
    --rules "$TOP/rules/qemu-migration.yaml" "$demo" &&
    grep_out gentests/foreign-rules-warn \
        "qemu-migration\.yaml:[0-9]+:[0-9]+: warning: rule 'migrate\.channels' is about command 'migrate'" "$ERR"
printf "rules:\n  - id: bad-path\n    command: transfer-start\n    one-of: [[uri], [nowhere]]\n" >"$T/path.yaml"
expect_exit gentests/bad-path 0 gen tests --prefix demo -o "$T/foreign" \
    --rules "$T/path.yaml" "$demo" &&
    grep_out gentests/bad-path-warn "warning: 'nowhere' of rule 'bad-path' names nothing" "$ERR"

# --- the file set ------------------------------------------------------------

d=$T/demo
expect_exit gentests/demo-bindings 0 gen c --prefix demo -o "$d/demo-bindings" "$demo"
expect_exit gentests/demo 0 gen tests --prefix demo -o "$d/demo-tests" \
    --rules "$TOP/schemas/demo-rules.yaml" --skeleton "$demo"
check gentests/demo-file-set test "$(ls "$d/demo-tests" | tr '\n' ' ')" = \
    "demo-tests-main.c demo-tests-replay.c demo-tests-rules.c demo-tests-suites.c demo-tests-tables.c demo-tests-user.c demo-tests.h "
grep_out gentests/relative-include '^#include "\.\./demo-bindings/demo\.h"$' "$d/demo-tests/demo-tests.h"
grep_out gentests/oracle-offsets 'offsetof\(demo_TransferInfo, has_channels\)' "$d/demo-tests/demo-tests-tables.c"
grep_out gentests/oracle-constants 'DEMO_TRANSFER_STATUS_IDLE' "$d/demo-tests/demo-tests-tables.c"
grep_out gentests/rules-table '"transfer-start\.channels", [0-9]+, \{ "transfer-start"' "$d/demo-tests/demo-tests-rules.c"

# The skeleton is the user's: never overwritten; the rest is regenerated.
echo '/* mine */' >>"$d/demo-tests/demo-tests-user.c"
cp "$d/demo-tests/demo-tests-user.c" "$T/user.c"
touch -d '2001-01-01 00:00' "$d/demo-tests"/*
expect_exit gentests/demo-again 0 gen tests --prefix demo -o "$d/demo-tests" \
    --rules "$TOP/schemas/demo-rules.yaml" --skeleton "$demo" &&
    grep_out gentests/skeleton-kept-note "note: '.*demo-tests-user\.c' exists: left as it is" "$ERR"
check gentests/skeleton-not-overwritten cmp -s "$T/user.c" "$d/demo-tests/demo-tests-user.c"
check gentests/unchanged-keeps-mtime \
    test -z "$(find "$d/demo-tests" -newermt '2001-01-02' -type f)"
grep -v 'mine' "$T/user.c" >"$d/demo-tests/demo-tests-user.c"

# Elsewhere than next to the bindings: --bindings says where they are.
expect_exit gentests/other-place 0 gen tests --prefix demo -o "$T/else/where/t" \
    --bindings "$d/demo-bindings" "$demo" &&
    grep_out gentests/other-place-include '^#include "\.\./\.\./\.\./demo/demo-bindings/demo\.h"$' \
        "$T/else/where/t/demo-tests.h"

# --no-main: the suites for a runner of one's own.
expect_exit gentests/no-main 0 gen tests --prefix demo --no-main -o "$T/nomain" \
    --bindings "$d/demo-bindings" "$demo"
if grep -q 'main(' "$T/nomain/demo-tests-main.c"; then
    fail gentests/no-main-has-no-main "demo-tests-main.c defines main"
else
    pass gentests/no-main-has-no-main
fi

if [ ! -f "$rt" ]; then
    msg="gentests/runtime: libqapic-runtime not built: the suites are not compiled"
    skip gentests/runtime "$msg"
    printf '*** SKIP: %s\n' "$msg" >&2
    exit 0
fi

# --- compiled and run ------------------------------------------------------

# build NAME BIN DIRS...: compiles every .c file of DIRS (two at a time)
# and links them with the runtime into BIN.
build() {
    local name=$1 bin=$2 log=$T/$1.build.log
    shift 2
    mkdir -p "$bin.o"
    # shellcheck disable=SC2086
    if (for dir in "$@"; do ls "$dir"/*.c; done) |
            xargs -P2 -I{} sh -c 'gcc '"$CFLAGS_T $SAN_FLAGS"' -c "$1" -o "$2/$(basename "$1").o"' _ {} "$bin.o" \
            >"$log" 2>&1 &&
       gcc $SAN_FLAGS -o "$bin" "$bin.o"/*.o "$rt" $CHECK_LIBS $JSONC_LIBS >>"$log" 2>&1; then
        pass "gentests/$name-compiles"
        return 0
    fi
    fail "gentests/$name-compiles" "$(grep -m1 -E 'error|warning|undefined' "$log")"
    return 1
}

# run NAME BIN [ENV...]: runs the suites (without forking, under
# QAPIC_WRAPPER, e.g. valgrind, and under the sanitizers); passes when
# they all pass.
run() {
    local name=$1 bin=$2 out=$T/$1.out
    shift 2
    local fork=
    [ -n "$QAPIC_WRAPPER$SAN_FLAGS" ] && fork=CK_FORK=no
    # shellcheck disable=SC2086
    env $fork "$@" $QAPIC_WRAPPER "$bin" >"$out" 2>&1
    local status=$?
    local line
    line=$(grep -E '^[0-9]+%: Checks:' "$out" | tail -n 1)
    if [ $status -eq 0 ] && [[ $line =~ $SUMMARY ]]; then
        pass "gentests/$name: $line"
    else
        fail "gentests/$name" "$(describe_status $status): ${line:-no summary}: $(grep -m2 -E ':F:|:E:|ERROR|Invalid|lost' "$out" | tr '\n' ' ')"
    fi
}

build demo "$T/demo.run" "$d/demo-bindings" "$d/demo-tests" &&
    run demo "$T/demo.run"
# A QEMU that cannot start fails the live tests at once, with its words.
qemu=${QAPIC_TEST_QEMU:-$(command -v qemu-system-x86_64)}
if [ -x "$T/demo.run" ] && [ -n "$qemu" ] && [ -x "$qemu" ]; then
    env CK_RUN_SUITE="demo live" QAPIC_TEST_QEMU="$qemu" \
        QAPIC_TEST_QEMU_ARGS=--no-such-option "$T/demo.run" >"$T/bad-qemu.out" 2>&1
    status=$?
    check gentests/live-qemu-that-cannot-start-fails test $status -ne 0 &&
        grep_out gentests/live-qemu-that-cannot-start-says-why \
            ':F:live-queries:.*ended before it listened: .*--no-such-option' "$T/bad-qemu.out"
fi
if command -v clang >/dev/null; then
    # shellcheck disable=SC2086
    check gentests/demo-clang sh -c "cd '$d/demo-tests' && clang $CFLAGS_T -fsyntax-only ./*.c"
fi
# A runner of one's own over the exported suites.
cat >"$T/runner.c" <<'EOF'
#include <stdlib.h>
#include "demo-tests.h"
int main(void)
{
    SRunner *sr = srunner_create(demo_tests_types_suite());
    srunner_add_suite(sr, demo_tests_rules_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
EOF
cp "$T/runner.c" "$T/nomain/runner.c"
build no-main "$T/nomain.run" "$d/demo-bindings" "$T/nomain" &&
    run no-main "$T/nomain.run"

need_corpus "gen tests on QEMU's schemas" || exit 0

Q=$CORPUS/qemu-10.0
# suites NAME PREFIX SCHEMA GEN-OPTIONS...: bindings, tests, build, run.
suites() {
    local name=$1 prefix=$2 schema=$3 dir=$T/$1
    shift 3
    expect_exit "gentests/$name-bindings" 0 gen c --prefix "$prefix" \
        -o "$dir/$prefix-bindings" "$@" "$schema" || return 1
    local opts=()
    for o in "$@"; do [[ $o == --std=* ]] && opts+=("$o"); done
    expect_exit "gentests/$name" 0 gen tests --prefix "$prefix" \
        -o "$dir/$prefix-tests" "${opts[@]}" "${GEN_TESTS_OPTS[@]}" "$schema" || return 1
    build "$name" "$dir/$prefix.run" "$dir/$prefix-bindings" "$dir/$prefix-tests" ||
        return 1
    if command -v clang >/dev/null; then
        # shellcheck disable=SC2086
        check "gentests/$name-clang" sh -c \
            "cd '$dir/$prefix-tests' && clang $CFLAGS_T -fsyntax-only ./*.c"
    fi
}

# QEMU's test schema, which exercises every construct, of both releases.
GEN_TESTS_OPTS=(--skeleton)
for v in 10.0 10.2; do
    suites "test-$v" test "$CORPUS/qemu-$v/tests/qapi-schema/qapi-schema-test.json" &&
        run "test-$v" "$T/test-$v/test.run"
done

# The guest agent's: commands without a success response.
GEN_TESTS_OPTS=(--skeleton)
suites qga qga "$Q/qga/qapi-schema.json" --std=qemu-10.0 &&
    run qga "$T/qga/qga.run"

dump=$CORPUS/replies/caps_10.0.0_x86_64.replies
GEN_TESTS_OPTS=(--skeleton --rules "$TOP/rules/qemu-migration.yaml" --replies "$dump")
if suites qmp qmp "$Q/qapi/qapi-schema.json" --std=qemu-10.0; then
    grep_out gentests/qmp-replays-the-dump '/\* query-qmp-schema, line [0-9]+ \*/' \
        "$T/qmp/qmp-tests/qmp-tests-replay.c"
    run qmp "$T/qmp/qmp.run"
    # Each area has its tests: a suite that ran nothing would pass too.
    for area in "types:2000" "commands and events:290" "replay:50" \
                "rules:9" "user tests:240"; do
        want=${area##*:} a=${area%:*}
        env CK_FORK=no CK_RUN_SUITE="qmp $a" "$T/qmp/qmp.run" >"$T/count.out" 2>&1
        n=$(sed -nE 's/^100%: Checks: ([0-9]+).*/\1/p' "$T/count.out")
        check "gentests/qmp-${a// /-}-has-$want-tests-or-more" test "${n:-0}" -ge "$want"
    done

    if [ -n "$qemu" ] && [ -x "$qemu" ]; then
        run qmp-live "$T/qmp/qmp.run" QAPIC_TEST_QEMU="$qemu" CK_RUN_SUITE="qmp live"
        n=$(sed -nE 's/^100%: Checks: ([0-9]+).*/\1/p' "$T/qmp-live.out")
        check gentests/qmp-live-ran-queries-and-rules test "${n:-0}" -ge 50
        # The suites ask only that QEMU refuse two groups and none alike;
        # what QEMU 10.0 says, it says for both rules.
        if "$qemu" --version 2>/dev/null | grep -q 'version 10\.0\.'; then
            for rule in migrate migrate-incoming; do
                grep_out "gentests/qmp-live-qemu-10.0-$rule-refuses-both-and-neither" \
                    "^qmp live: rule $rule\.channels, what QEMU answers: \[uri\] and \[channels\] -> need either 'uri' or 'channels' argument; no group -> need either 'uri' or 'channels' argument; \[uri\] -> [^;]*; \[channels\] -> " \
                    "$T/qmp-live.out"
            done
        fi
        leftover=$(find /tmp -maxdepth 1 -name 'qapic-tg-*' -newer "$T/qmp/qmp.run" 2>/dev/null)
        check gentests/qmp-live-leaves-no-directory test -z "$leftover"
    else
        msg="gentests/qmp-live: no QEMU (install qemu-system-x86 or set QAPIC_TEST_QEMU)"
        skip gentests/qmp-live "$msg"
        printf '*** SKIP: %s\n' "$msg" >&2
    fi
fi
