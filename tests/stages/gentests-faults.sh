# The generated suites can fail: faults planted in the generated bindings
# (patched copies of demo's) and in the runtime (a patched copy of one of
# its files, linked instead of the original) must each make the suites of
# the demo schema fail, while the same suites pass on the intact code.  A
# leak on a failed decode shows under valgrind (or ASan under make
# check-asan).  Each fault is a sed script; a script that no longer
# changes its file fails the test, so the list cannot rot silently.  Each
# fault names the failure it must cause (an extended regex matched against
# the first failure the suites report), so a suite failing for another
# reason does not count as detection.
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR
demo=$TOP/schemas/demo.json
B=${BUILDDIR:-$TOP/build}
rt=$B/libqapic-runtime.a
: "${SAN_FLAGS:=}" "${JSONC_CFLAGS:=}" "${JSONC_LIBS:=-ljson-c}"
: "${CHECK_CFLAGS:=$(pkg-config --cflags check 2>/dev/null)}"
: "${CHECK_LIBS:=$(pkg-config --libs check 2>/dev/null || echo -lcheck)}"
CFLAGS_T="-std=c11 -I$TOP/runtime $CHECK_CFLAGS $JSONC_CFLAGS $SAN_FLAGS"
RT_CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -I$TOP/runtime $JSONC_CFLAGS $SAN_FLAGS"

if [ ! -f "$rt" ] || ! ls "$B"/runtime/*.o >/dev/null 2>&1; then
    skip gentests-faults/runtime "libqapic-runtime not built"
    exit 0
fi

d=$T/demo
expect_exit gentests-faults/bindings 0 gen c --prefix demo -o "$d/demo-bindings" "$demo" &&
expect_exit gentests-faults/tests 0 gen tests --prefix demo -o "$d/demo-tests" \
    --rules "$TOP/schemas/demo-rules.yaml" --skeleton "$demo" || exit 0

# cc OUT SRC: one object.
cc_one() {
    # shellcheck disable=SC2086
    gcc $CFLAGS_T -c "$2" -o "$1" 2>>"$T/cc.log"
}

mkdir -p "$T/obj/tests" "$T/obj/bindings"
for f in "$d"/demo-tests/*.c; do cc_one "$T/obj/tests/$(basename "$f").o" "$f"; done
for f in "$d"/demo-bindings/*.c; do cc_one "$T/obj/bindings/$(basename "$f").o" "$f"; done

# link BIN BINDINGS-OBJS-DIR RUNTIME-OBJS...
link() {
    local bin=$1 bdir=$2
    shift 2
    # shellcheck disable=SC2086
    gcc $SAN_FLAGS -o "$bin" "$T"/obj/tests/*.o "$bdir"/*.o "$@" $CHECK_LIBS \
        $JSONC_LIBS -lpthread 2>>"$T/cc.log"
}

# outcome BIN [ENV...]: runs the suites; prints the first failure and
# returns 0 when they failed.
outcome() {
    local bin=$1 out=$T/run.out
    shift
    env "$@" "$bin" >"$out" 2>&1
    local status=$?
    [ $status -ne 0 ] || return 1
    grep -m1 -E ':F:|:E:|definitely lost|ERROR: LeakSanitizer' "$out" |
        sed -E 's/^.*:[FE]:[^:]*:[^:]*:[0-9]+: //' | cut -c1-200
    return 0
}

link "$T/intact.run" "$T/obj/bindings" "$rt"
if outcome "$T/intact.run" >/dev/null; then
    fail gentests-faults/intact "the suites fail on intact code: $(grep -m1 -E ':F:|:E:' "$T/run.out")"
    exit 0
fi
pass gentests-faults/intact-code-passes

# plant NAME FILE SED-SCRIPT: FILE (a path below the bindings, or
# runtime/X.c) patched into $planted; fails when the script changes
# nothing.  (Not run in a subshell: its FAIL line must reach the count.)
plant() {
    local name=$1 file=$2 script=$3 src dst
    if [[ $file == runtime/* ]]; then
        src=$TOP/$file
    else
        src=$d/demo-bindings/$file
    fi
    mkdir -p "$T/faults/$name"
    dst=$T/faults/$name/$(basename "$file")
    if [[ $file != runtime/* ]]; then
        # Next to the bindings' headers, which it includes.
        cp -r "$d/demo-bindings" "$T/faults/$name/"
        dst=$T/faults/$name/demo-bindings/$file
    fi
    sed -E -e "$script" "$src" >"$dst.new" && mv "$dst.new" "$dst"
    if cmp -s "$src" "$dst"; then
        fail "gentests-faults/$name" "the fault no longer applies to $file"
        return 1
    fi
    planted=$dst
}

# build_fault NAME FILE BIN: links BIN with the planted file in place of
# its original.
build_fault() {
    local name=$1 file=$2 bin=$3 dst=$planted
    if [[ $file == runtime/* ]]; then
        local obj=$T/faults/$name/fault.o keep=()
        # shellcheck disable=SC2086
        gcc $RT_CFLAGS -c "$dst" -o "$obj" 2>>"$T/cc.log" || {
            fail "gentests-faults/$name" "the faulty $file does not compile"; return 1; }
        for o in "$B"/runtime/*.o; do
            [ "$(basename "$o")" = "$(basename "$file" .c).o" ] || keep+=("$o")
        done
        link "$bin" "$T/obj/bindings" "$obj" "${keep[@]}"
    else
        mkdir -p "$T/faults/$name/obj"
        cp "$T"/obj/bindings/*.o "$T/faults/$name/obj/"
        cc_one "$T/faults/$name/obj/$(basename "$file").o" "$dst" || {
            fail "gentests-faults/$name" "the faulty $file does not compile"; return 1; }
        link "$bin" "$T/faults/$name/obj" "$rt"
    fi || { fail "gentests-faults/$name" "does not link: $(tail -n 1 "$T/cc.log")"; return 1; }
}

# fault NAME FILE SED-SCRIPT REASON [ENV...]: plants the fault (an
# extended sed script), builds, runs; the suites must fail, and their
# first failure must match the extended regex REASON.
fault() {
    local name=$1 file=$2 script=$3 reason=$4 bin=$T/faults/$1.run
    shift 4
    plant "$name" "$file" "$script" || return
    build_fault "$name" "$file" "$bin" || return
    local why
    if ! why=$(outcome "$bin" "$@"); then
        fail "gentests-faults/$name" "the suites pass with the fault planted"
    elif [[ $why =~ $reason ]]; then
        pass "gentests-faults/$name: detected: $why"
    else
        fail "gentests-faults/$name" "the suites fail, but not for the planted fault (/$reason/): $why"
    fi
}

# --- in the generated bindings ---------------------------------------------

fault enum-strings-swapped demo-types-demo-common.c \
    's/\{ "idle", /{ "@@", /; s/\{ "active", /{ "idle", /; s/\{ "@@", /{ "active", /' \
    "^TransferStatus: value 0 is 'active' in the descriptor, 'idle' in the schema"
fault member-dropped-from-descriptor demo-types-demo-common.c \
    '/\{ "channels", &qapic_type_int,/d; /^const qapic_type demo_TYPE_TransferInfo = \{/,/^\};/ s/\.u\.object\.n = 3,/.u.object.n = 2,/' \
    "^TransferInfo: the descriptor has 2 members, the schema 3"
fault presence-flag-lost demo-types-demo-common.c \
    's/offsetof\(demo_TransferInfo, has_channels\), QAPIC_MEMBER_OPTIONAL/QAPIC_NO_OFFSET, QAPIC_MEMBER_OPTIONAL/' \
    "^TransferInfo: member 'channels' .*presence flag"
fault union-branches-swapped demo-types-demo.c \
    's/\{ &demo_TYPE_NetAddress, NULL \},/{ \&@@, NULL },/; s/\{ &demo_TYPE_ExecTarget, NULL \},/{ \&demo_TYPE_NetAddress, NULL },/; s/\{ &@@, NULL \},/{ \&demo_TYPE_ExecTarget, NULL },/' \
    "^TransferAddress: tag value '(socket|exec)' selects"
fault member-type-changed demo-types-demo.c \
    '/"offset", &qapic_type_uint64/ s/qapic_type_uint64/qapic_type_int64/' \
    "^FileTarget: member 'offset' has type int64 in the descriptor, uint64"
fault stub-sends-another-command demo-commands.c \
    's/qapic_client_call_opts\(client, &demo_CMD_transfer_start,/qapic_client_call_opts(client, \&demo_CMD_transfer_incoming,/' \
    "^command transfer-start: the stub fails"
fault async-stub-drops-arguments demo-commands.c \
    's/qapic_client_call_async\(client, &demo_CMD_transfer_start, args,/qapic_client_call_async(client, \&demo_CMD_transfer_start, NULL,/' \
    "^command transfer-start: the asynchronous stub fails"
fault opts-stub-drops-options demo-commands.c \
    '/^demo_TransferInfo \*demo_query_transfer_opts\(/,/^\}/ s/, NULL, opts, &ret,/, NULL, NULL, \&ret,/' \
    "^command query-transfer: .*_opts stub"
fault member-offset-wrong demo-types-demo-common.c \
    '/\{ "port", &qapic_type_str,/ s/offsetof\(demo_NetAddress, port\)/offsetof(demo_NetAddress, host)/' \
    "^NetAddress: member 'port' is at offset"

# --- in the runtime --------------------------------------------------------

fault member-dropped-from-encoding runtime/encode.c \
    's/for \(size_t i = 0; i < t->u.object.n; i\+\+\) \{/for (size_t i = 0; i + 1 < t->u.object.n; i++) {/' \
    ": encodes as .*, expected "
fault presence-flag-ignored runtime/decode.c \
    's/\*\(bool \*\)\(base \+ m->has_offset\) = true;/(void)0;/' \
    "present in one, absent in the other"
fault union-branch-decoded-as-another runtime/decode.c \
    's/br = cur->u.object.branches\[\*\(int \*\)\(base \+ tm->offset\)\].type;/br = cur->u.object.branches[(*(int *)(base + tm->offset) + 1) % qapic_rt_nbranches(cur)].type;/' \
    "^TransferAddress, branch '[a-z]+'.*: decoding .* fails"
fault bool-inverted runtime/encode.c \
    's/json_object_new_boolean\(\*\(const bool \*\)slot\)/json_object_new_boolean(!*(const bool *)slot)/' \
    "^bool, (true|false): encodes as (false|true), expected (true|false)"
fault strictness-ignored runtime/decode.c \
    's/return c->flags & QAPIC_DECODE_STRICT;/return false;/' \
    "strict decoding accepts"
fault copy-drops-unknown-members runtime/value.c \
    '/^static int copy_extra/,/^\}/ s/^    if \(!src\)$/    if (src)/' \
    "copied and encoded again, .* gives "
# Not on the issue's list.
fault int8-range-widened runtime/decode.c \
    's/case QAPIC_KIND_INT8: \*min = INT8_MIN; \*max = INT8_MAX;/case QAPIC_KIND_INT8: *min = INT8_MIN; *max = INT8_MAX + 1;/' \
    "^int8.*128"
fault error-path-lost runtime/decode.c \
    '/^static int missing\(/,/^\}/ s/qapic_rt_path mp = \{ p, name, 0 \};/qapic_rt_path mp = { NULL, name, 0 };/' \
    "missing mandatory member"
fault unknown-enum-value-dropped runtime/decode.c \
    '/^static int decode_member\(/,/^\}/ s/return keep_extra\(extra, key, val, c\);/return 0;/' \
    "x-qapic-unknown"
fault typed-event-handlers-skipped runtime/dispatch.c \
    's/for \(int typed = 0; typed < 2; typed\+\+\)/for (int typed = 0; typed < 1; typed++)/' \
    "^event [A-Z_]+.*typed handler ran 0 times"

# A leak on a failed decode: only a leak checker sees it.
leak='s/^    qapic_rt_free_object\(t, obj\);$/    (void)0;/'
if [[ $SAN_FLAGS == *address* ]]; then
    fault leak-on-failed-decode runtime/decode.c "$leak" "LeakSanitizer|definitely lost" \
        CK_FORK=no ASAN_OPTIONS=detect_leaks=1:exitcode=86
elif [ -n "$QAPIC_WRAPPER" ] || command -v valgrind >/dev/null; then
    vg=${QAPIC_WRAPPER:-valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite}
    if plant leak-on-failed-decode runtime/decode.c "$leak" &&
       build_fault leak-on-failed-decode runtime/decode.c "$T/faults/leak.run"; then
        # shellcheck disable=SC2086
        CK_FORK=no $vg "$T/faults/leak.run" >"$T/leak.out" 2>&1
        status=$?
        if [ $status -ne 0 ] && grep -q 'definitely lost' "$T/leak.out"; then
            pass "gentests-faults/leak-on-failed-decode: detected: $(grep -m1 'definitely lost' "$T/leak.out")"
        else
            fail gentests-faults/leak-on-failed-decode "valgrind reports no leak (exit $status)"
        fi
    fi
else
    msg="gentests-faults/leak-on-failed-decode: neither valgrind nor ASan to see it"
    skip gentests-faults/leak-on-failed-decode "$msg"
    printf '*** SKIP: %s\n' "$msg" >&2
fi
