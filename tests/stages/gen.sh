# qapic gen c: usage errors and exit statuses, outputs written all or
# nothing and only when changed, the depfile, and generated code that
# compiles: gcc and clang -std=c11 -Wall -Wextra -Werror for every C file,
# g++ -std=c++17 for every header, for the demo schema and, with the
# corpus, QEMU's full schema (all conditions and the x86_64 build), the
# guest agent's and QEMU's test schemas; QMP and guest-agent bindings
# define no common external symbol.
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR
demo=$TOP/schemas/demo.json
CFLAGS_GEN="-std=c11 -Wall -Wextra -Werror -I$TOP/runtime"

# --- usage and exit statuses ---------------------------------------------

expect_exit gen/no-target 2 gen
expect_exit gen/unknown-target 2 gen cobol "$demo" &&
    grep_out gen/unknown-target-message "unknown target 'cobol'" "$ERR"
expect_exit gen/no-schema 2 gen c -o "$T/x"
expect_exit gen/two-schemas 2 gen c -o "$T/x" "$demo" "$demo"
expect_exit gen/bad-define 2 gen c -o "$T/x" -D 'NOT A SYMBOL' "$demo" &&
    grep_out gen/bad-define-message "condition symbol" "$ERR"
expect_exit gen/empty-output 2 gen c -o '' "$demo"
expect_exit gen/empty-depfile 2 gen c -o "$T/x" --depfile '' "$demo"
expect_exit gen/bad-prefix 2 gen c -o "$T/x" --prefix 9lives "$demo"
expect_exit gen/runtime-prefix 2 gen c -o "$T/x" --prefix qapic "$demo"
expect_exit gen/missing-schema 2 gen c -o "$T/x" "$T/nope.json" &&
    grep_out gen/missing-schema-message 'nope\.json.*No such file' "$ERR"
expect_exit gen/missing-config 2 gen c -o "$T/x" --config "$T/nope.txt" "$demo"
expect_exit gen/help 0 gen --help && grep_out gen/help-text 'qapic gen c'
check gen/nothing-written-on-usage-error test ! -e "$T/x"

printf "{ 'struct': 'Foo',\n  'data': { 'a': 'Nope' } }\n" >"$T/bad.json"
expect_exit gen/schema-error 1 gen c -o "$T/bad-out" "$T/bad.json" &&
    grep_out gen/schema-error-located 'bad\.json:1:1: error: .*Nope' "$ERR"
check gen/schema-error-writes-nothing test ! -e "$T/bad-out"

printf "{ 'enum': 'FooBar', 'data': [ 'x' ] }\n{ 'enum': 'Foo', 'data': [ 'bar-x' ] }\n" >"$T/clash.json"
expect_exit gen/name-clash 1 gen c -o "$T/clash-out" "$T/clash.json" &&
    grep_out gen/name-clash-located "clash\.json:2:1: error: C identifier 'QMP_FOO_BAR_X'" "$ERR"
grep_out gen/name-clash-note "clash\.json:1:1: note: the other definition" "$ERR"

printf "{ 'struct': 'Tee', 'data': {}, 'if': 'X' }\n{ 'struct': 'Str', 'data': { 'm': 'Tee' } }\n" >"$T/excl.json"
expect_exit gen/excluded-type 1 gen c -o "$T/excl-out" -D Y "$T/excl.json" &&
    grep_out gen/excluded-type-located "excl\.json:2:1: error: member 'm' .*leaves out" "$ERR"
expect_exit gen/excluded-type-kept 0 gen c -o "$T/excl-out" -D X "$T/excl.json"

# --- all or nothing, write if changed ------------------------------------

: >"$T/a-file"
expect_exit gen/output-under-file 2 gen c -o "$T/a-file/sub" "$demo" &&
    grep_out gen/output-under-file-message "cannot create directory" "$ERR"

# A target that cannot be replaced fails the whole set before any rename.
mkdir -p "$T/blocked/demo-schema.c"
expect_exit gen/blocked-output 2 gen c --prefix demo -o "$T/blocked" "$demo"
check gen/blocked-output-all-or-nothing \
    test "$(find "$T/blocked" -mindepth 1 | wc -l)" -eq 1

out=$T/demo
expect_exit gen/demo 0 gen c --prefix demo -o "$out" --depfile "$T/demo.d" "$demo"
check gen/demo-umbrella-header test -s "$out/demo.h"
check gen/demo-no-temporary-files test -z "$(find "$out" -name '.qapic-*')"
nfiles=$(find "$out" -type f | wc -l)
check gen/demo-file-set test "$nfiles" -ge 9

# Unchanged outputs keep their mtime; a changed schema rewrites only what
# changed.
touch -d '2001-01-01 00:00' "$out"/* "$T/demo.d"
expect_exit gen/demo-again 0 gen c --prefix demo -o "$out" --depfile "$T/demo.d" "$demo"
check gen/unchanged-keeps-mtime \
    test -z "$(find "$out" "$T/demo.d" -newermt '2001-01-02' -type f)"
cp "$TOP/schemas/demo-common.json" "$TOP/schemas/demo.json" "$T/"
printf "\n##\n# @Extra:\n#\n# An extra struct.\n#\n# @x: a member\n#\n# Since: 9.9\n##\n{ 'struct': 'Extra', 'data': { 'x': 'int' } }\n" >>"$T/demo.json"
expect_exit gen/demo-changed 0 gen c --prefix demo -o "$out" "$T/demo.json"
check gen/changed-rewrites-types \
    test -n "$(find "$out" -name demo-types.h -newermt '2001-01-02')"
check gen/changed-keeps-commands \
    test -z "$(find "$out" -name demo-commands.c -newermt '2001-01-02')"
grep_out gen/changed-has-new-type 'struct demo_Extra \{' "$out/demo-types.h"

grep_out gen/depfile-targets "^$out/demo\.h \\\\\$" "$T/demo.d"
grep_out gen/depfile-root "^ $TOP/schemas/demo\.json \\\\\$" "$T/demo.d"
grep_out gen/depfile-include "^ .*schemas/demo-common\.json\$" "$T/demo.d"
grep_out gen/depfile-phony "^.*schemas/demo-common\.json:\$" "$T/demo.d"

# --- generated code compiles --------------------------------------------

have_cc() { command -v "$1" >/dev/null 2>&1; }

# compile NAME DIR: every C file with gcc (objects in DIR/gcc) and clang
# (all its checks, no objects: that halves the time), every header with
# g++ as C++17.
compile() {
    local name=$1 dir=$2 cc log out
    for cc in gcc clang; do
        if ! have_cc $cc; then
            skip "gen/$name-$cc" "$cc not installed"
            printf '*** SKIP: gen/%s-%s: %s not installed\n' "$name" $cc $cc >&2
            continue
        fi
        mkdir -p "$dir/$cc"
        log=$dir/$cc.log
        # shellcheck disable=SC2086
        out='-c -o gcc/{}.o'
        [ $cc = clang ] && out=-fsyntax-only
        # shellcheck disable=SC2086
        if (cd "$dir" && ls ./*.c | xargs -P2 -I{} \
                $cc $CFLAGS_GEN $out {}) >"$log" 2>&1; then
            pass "gen/$name-$cc"
        else
            fail "gen/$name-$cc" "$(grep -m1 -E 'error|warning' "$log")"
        fi
    done
    if have_cc g++; then
        log=$dir/cxx.log
        local ok=1 h
        for h in "$dir"/*.h; do
            # shellcheck disable=SC2086
            g++ -std=c++17 -Wall -Wextra -Werror -fsyntax-only -x c++ \
                -I"$TOP/runtime" -I"$dir" "$h" >>"$log" 2>&1 || ok=0
        done
        if [ $ok = 1 ]; then pass "gen/$name-c++17-headers"; else
            fail "gen/$name-c++17-headers" "$(grep -m1 -E 'error|warning' "$log")"; fi
    else
        skip "gen/$name-c++17-headers" "g++ not installed"
    fi
}

compile demo "$out"

# Names and doc text that C, C++ and Doxygen would trip over: keywords,
# standard macros as members, comment delimiters, trigraphs, a module path
# with a space and a '*'.
mkdir -p "$T/hostile/we ird"
cat >"$T/hostile/we ird/odd*name.json" <<'EOF'
##
# @Inc:
#
# Included */ struct /* with "quotes" and \ backslash ??/
# and a trigraph ??= line, <html> & 100% #hash @ref
#
# @class: a C++ keyword */
#
# @constexpr: another ??/
#
# @int8-t: a type name
#
# @size-t: and another
#
# Since: 1.0 ??/
##
{ 'struct': 'Inc', 'data': { 'class': 'int', '*constexpr': 'bool',
                             '*int8-t': 'str', 'size-t': 'number' } }
EOF
cat >"$T/hostile/root.json" <<'EOF'
{ 'pragma': { 'member-name-exceptions': [ 'Up' ] } }
{ 'include': 'we ird/odd*name.json' }
{ 'enum': 'Kw', 'data': [ 'if', 'int', 'nullptr', 'static-assert' ] }
{ 'struct': 'Up', 'data': { 'NULL': 'int', 'INT8_MAX': 'int',
                            'SIZE_MAX': 'int', 'major': 'int' } }
{ 'union': 'Un', 'base': { 'kind': 'Kw' }, 'discriminator': 'kind',
  'data': { 'if': 'Inc', 'nullptr': 'Up' } }
{ 'alternate': 'Al', 'data': { 'if': 'Inc', 'int': 'int', 'nullptr': 'null',
                               'class': ['str'] } }
{ 'command': 'delete', 'data': { 'new': 'Un', 'this': 'Al', '*operator': 'Kw' },
  'returns': 'Inc' }
{ 'event': 'TEMPLATE', 'data': { 'typename': 'str' } }
EOF
expect_exit gen/hostile 0 gen c -o "$T/hostile/out" "$T/hostile/root.json" &&
    compile hostile "$T/hostile/out"

printf '#include "demo.h"\nint main(void) { return 0; }\n' >"$T/plain.c"
check gen/demo-header-alone gcc $CFLAGS_GEN -I"$out" -c "$T/plain.c" -o "$T/plain.o"

need_corpus "gen c on QEMU's schemas" || exit 0

Q=$CORPUS/qemu-10.0
gen_and_compile() {
    local name=$1 prefix=$2
    shift 2
    expect_exit "gen/$name" 0 gen c --prefix "$prefix" -o "$T/$name" "$@" &&
        compile "$name" "$T/$name"
}
gen_and_compile qmp qmp --std=qemu-10.0 "$Q/qapi/qapi-schema.json"
gen_and_compile qmp-x86_64 qmp --std=qemu-10.0 \
    --config "$Q/expected/config-x86_64.txt" "$Q/qapi/qapi-schema.json"
gen_and_compile qga qga --std=qemu-10.0 "$Q/qga/qapi-schema.json"
gen_and_compile test-10.0 test --std=qemu-10.0 \
    "$Q/tests/qapi-schema/qapi-schema-test.json"
gen_and_compile test-10.2 test \
    "$CORPUS/qemu-10.2/tests/qapi-schema/qapi-schema-test.json"
gen_and_compile doc-good doc "$CORPUS/qemu-10.2/tests/qapi-schema/doc-good.json"

# The x86_64 build leaves out what other targets have.
if grep -q 'qmp_TYPE_CpuModelBaselineInfo\b' "$T/qmp/qmp-types.h" &&
   ! grep -q 'qmp_TYPE_CpuModelBaselineInfo\b' "$T/qmp-x86_64/qmp-types.h"; then
    pass gen/config-leaves-out
else
    fail gen/config-leaves-out "CpuModelBaselineInfo (s390x) kept by the x86_64 config"
fi
# Deprecated definitions warn their users, unless silenced.
printf '#include "test.h"\nint f(qapic_client *c) { return test_test_command_features1(c, NULL); }\n' >"$T/depr.c"
if ! gcc $CFLAGS_GEN -I"$T/test-10.2" -c "$T/depr.c" -o "$T/depr.o" 2>"$T/depr.err" &&
   grep -q "deprecated" "$T/depr.err"; then
    pass gen/deprecated-warns
else
    fail gen/deprecated-warns "no deprecation warning for a deprecated command"
fi
# shellcheck disable=SC2086
check gen/deprecated-silenced gcc $CFLAGS_GEN -DTEST_NO_DEPRECATION_WARNINGS \
    -I"$T/test-10.2" -c "$T/depr.c" -o "$T/depr.o"

grep_out gen/conditions-recorded \
    '"defined\(CONFIG_KVM\)"' "$T/qmp/qmp-types-machine-target.c"

# QMP and guest-agent bindings link into one program: no common symbol.
defined_syms() {
    nm -g --defined-only "$1"/gcc/*.o | awk 'NF == 3 { print $3 }' | sort -u
}
if [ -d "$T/qmp/gcc" ] && [ -d "$T/qga/gcc" ]; then
    common=$(comm -12 <(defined_syms "$T/qmp") <(defined_syms "$T/qga"))
    if [ -z "$common" ]; then
        pass gen/qmp-qga-no-common-symbols
    else
        fail gen/qmp-qga-no-common-symbols "$(echo "$common" | head -n 3 | tr '\n' ' ')"
    fi
    check gen/qmp-symbols-prefixed test -z \
        "$(defined_syms "$T/qmp" | grep -v '^qmp_')"
fi

# --- with the runtime: link, round trips, forward compatibility ----------

rt=${BUILDDIR:-$TOP/build}/libqapic-runtime.a
if [ ! -f "$rt" ]; then
    msg="gen/runtime: libqapic-runtime not built (no runtime/*.c yet): link and round-trip tests not run"
    skip gen/runtime "$msg"
    printf '*** SKIP: %s\n' "$msg" >&2
    exit 0
fi
: "${SAN_FLAGS:=}" "${JSONC_CFLAGS:=}" "${JSONC_LIBS:=-ljson-c}"

# link NAME PREFIX DIR: a test program of tests/gen/roundtrip.c against the
# bindings in DIR (as a static library, as a user would link them).
link_roundtrip() {
    local name=$1 prefix=$2 dir=$3
    rm -f "$dir/lib$prefix.a"
    ar rcs "$dir/lib$prefix.a" "$dir"/gcc/*.o
    # shellcheck disable=SC2086
    if gcc $CFLAGS_GEN $SAN_FLAGS $JSONC_CFLAGS -DSCHEMA="${prefix}_schema" \
            "$TOP/tests/gen/roundtrip.c" "$dir/lib$prefix.a" "$rt" \
            $JSONC_LIBS -o "$T/roundtrip-$name" 2>"$T/link-$name.err"; then
        pass "gen/link-$name"
    else
        fail "gen/link-$name" "$(head -n 1 "$T/link-$name.err")"
        return 1
    fi
}

# roundtrip NAME ARGS...: runs the program (under QAPIC_WRAPPER, e.g.
# valgrind) and passes when it reports no failure.
roundtrip() {
    local name=$1
    shift
    # shellcheck disable=SC2086
    $QAPIC_WRAPPER "$T/roundtrip-$name" "$@" >"$T/rt-$name.out" 2>"$T/rt-$name.err"
    local status=$?
    if [ $status -eq 0 ]; then
        pass "gen/roundtrip-$name: $(cat "$T/rt-$name.out")"
    else
        fail "gen/roundtrip-$name" "$(describe_status $status): $(head -n 2 "$T/rt-$name.err" | tr '\n' ' ')"
    fi
}

dumps=("$CORPUS/replies/caps_10.0.0_x86_64.replies"
       "$CORPUS/replies/caps_10.0.0_x86_64+amdsev.replies")
# Every command's arguments, every successful return and every event of
# the QEMU 10.0 dumps, and the same changed as a newer QEMU could.
link_roundtrip qmp qmp "$T/qmp" && roundtrip qmp --drift "${dumps[@]}"
# Bindings that know less than the QEMU they talk to: the schema with
# none of its conditions (no target, no CONFIG_*) against an x86_64 QEMU.
if expect_exit gen/older-bindings 0 gen c --std=qemu-10.0 --prefix old \
        --config /dev/null -o "$T/old" "$Q/qapi/qapi-schema.json" &&
   (cd "$T/old" && mkdir -p gcc && ls ./*.c | xargs -P2 -I{} \
        gcc $CFLAGS_GEN -c {} -o gcc/{}.o) >"$T/old.log" 2>&1; then
    link_roundtrip old old "$T/old" && roundtrip old --drift "${dumps[@]}"
else
    fail gen/older-bindings-compile "$(head -n 1 "$T/old.log")"
fi

# QMP and guest-agent bindings in one program.
ar rcs "$T/qga/libqga.a" "$T/qga"/gcc/*.o
cat >"$T/both.c" <<'EOF'
#include <stdio.h>
#include "qmp.h"
#include "qga.h"
int main(void)
{
    const qapic_type *m = qmp_type("MigrationInfo");
    const qapic_command *c = qga_command("guest-ping");
    if (m != &qmp_TYPE_MigrationInfo || c != &qga_CMD_guest_ping
        || qga_type("MigrationInfo"))
        return 1;
    printf("%zu + %zu types\n", qmp_schema.ntypes, qga_schema.ntypes);
    return 0;
}
EOF
# shellcheck disable=SC2086
if gcc $CFLAGS_GEN $SAN_FLAGS -I"$T/qmp" -I"$T/qga" "$T/both.c" \
        "$T/qmp/libqmp.a" "$T/qga/libqga.a" "$rt" $JSONC_LIBS \
        -o "$T/both" 2>"$T/both.err" && "$T/both" >"$T/both.out"; then
    pass "gen/qmp-and-qga-in-one-program: $(cat "$T/both.out")"
else
    fail gen/qmp-and-qga-in-one-program "$(head -n 1 "$T/both.err")"
fi
