# The generated suites can fail: faults planted in the generated bindings
# (patched copies of demo's) and in the runtime (a patched copy of one of
# its files, linked instead of the original) must each make the suites of
# the demo schema fail, while the same suites pass on the intact code.  A
# leak on a failed decode shows under valgrind (or ASan under make
# check-asan).  Each fault is a sed script; a script that no longer
# changes its file fails the test, so the list cannot rot silently.
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
# runtime/X.c) patched; fails when the script changes nothing.
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
    sed -e "$script" "$src" >"$dst.new" && mv "$dst.new" "$dst"
    if cmp -s "$src" "$dst"; then
        fail "gentests-faults/$name" "the fault no longer applies to $file"
        return 1
    fi
    echo "$dst"
}

# fault NAME FILE SED-SCRIPT [ENV...]: plants the fault, builds, runs; the
# suites must fail.
fault() {
    local name=$1 file=$2 script=$3 dst bin=$T/faults/$1.run
    shift 3
    dst=$(plant "$name" "$file" "$script") || return
    if [[ $file == runtime/* ]]; then
        local obj=$T/faults/$name/fault.o keep=()
        # shellcheck disable=SC2086
        gcc $RT_CFLAGS -c "$dst" -o "$obj" 2>>"$T/cc.log" || {
            fail "gentests-faults/$name" "the faulty $file does not compile"; return; }
        for o in "$B"/runtime/*.o; do
            [ "$(basename "$o")" = "$(basename "$file" .c).o" ] || keep+=("$o")
        done
        link "$bin" "$T/obj/bindings" "$obj" "${keep[@]}"
    else
        mkdir -p "$T/faults/$name/obj"
        cp "$T"/obj/bindings/*.o "$T/faults/$name/obj/"
        cc_one "$T/faults/$name/obj/$(basename "$file").o" "$dst" || {
            fail "gentests-faults/$name" "the faulty $file does not compile"; return; }
        link "$bin" "$T/faults/$name/obj" "$rt"
    fi || { fail "gentests-faults/$name" "does not link: $(tail -n 1 "$T/cc.log")"; return; }
    local why
    if why=$(outcome "$bin" "$@"); then
        pass "gentests-faults/$name: detected: $why"
    else
        fail "gentests-faults/$name" "the suites pass with the fault planted"
    fi
}

# --- in the generated bindings ---------------------------------------------

fault enum-strings-swapped demo-types-demo-common.c \
    's/{ "idle", /{ "@@", /; s/{ "active", /{ "idle", /; s/{ "@@", /{ "active", /'
fault member-dropped-from-descriptor demo-types-demo-common.c \
    '/{ "channels", &qapic_type_int,/d; /^const qapic_type demo_TYPE_TransferInfo = {/,/^};/ s/\.u\.object\.n = 3,/.u.object.n = 2,/'
fault presence-flag-lost demo-types-demo-common.c \
    's/offsetof(demo_TransferInfo, has_channels), QAPIC_MEMBER_OPTIONAL/QAPIC_NO_OFFSET, QAPIC_MEMBER_OPTIONAL/'
fault union-branches-swapped demo-types-demo.c \
    's/{ &demo_TYPE_NetAddress, NULL },/{ \&@@, NULL },/; s/{ &demo_TYPE_ExecTarget, NULL },/{ \&demo_TYPE_NetAddress, NULL },/; s/{ &@@, NULL },/{ \&demo_TYPE_ExecTarget, NULL },/'
fault member-type-changed demo-types-demo.c \
    '/"offset", &qapic_type_uint64/ s/qapic_type_uint64/qapic_type_int64/'
fault stub-sends-another-command demo-commands.c \
    's/qapic_client_call(client, &demo_CMD_transfer_start,/qapic_client_call(client, \&demo_CMD_transfer_incoming,/'
fault async-stub-drops-arguments demo-commands.c \
    's/qapic_client_call_async(client, &demo_CMD_transfer_start, args,/qapic_client_call_async(client, \&demo_CMD_transfer_start, NULL,/'
fault member-offset-wrong demo-types-demo-common.c \
    '/{ "port", &qapic_type_str,/ s/offsetof(demo_NetAddress, port)/offsetof(demo_NetAddress, host)/'

# --- in the runtime --------------------------------------------------------

fault member-dropped-from-encoding runtime/encode.c \
    's/for (size_t i = 0; i < t->u.object.n; i++) {/for (size_t i = 0; i + 1 < t->u.object.n; i++) {/'
fault presence-flag-ignored runtime/decode.c \
    's/\*(bool \*)(base + m->has_offset) = true;/(void)0;/'
fault union-branch-decoded-as-another runtime/decode.c \
    's/br = cur->u.object.branches\[\*(int \*)(base + tm->offset)\].type;/br = cur->u.object.branches[(*(int *)(base + tm->offset) + 1) % qapic_rt_nbranches(cur)].type;/'
fault bool-inverted runtime/encode.c \
    's/json_object_new_boolean(\*(const bool \*)slot)/json_object_new_boolean(!*(const bool *)slot)/'
fault strictness-ignored runtime/decode.c \
    's/return c->flags & QAPIC_DECODE_STRICT;/return false;/'
fault copy-drops-unknown-members runtime/value.c \
    '/^static int copy_extra/,/^}/ s/^    if (!src)$/    if (src)/'

# A leak on a failed decode: only a leak checker sees it.
leak='s/^    qapic_rt_free_object(t, obj);$/    (void)0;/'
if [[ $SAN_FLAGS == *address* ]]; then
    fault leak-on-failed-decode runtime/decode.c "$leak" CK_FORK=no \
        ASAN_OPTIONS=detect_leaks=1:exitcode=86
elif [ -n "$QAPIC_WRAPPER" ] || command -v valgrind >/dev/null; then
    vg=${QAPIC_WRAPPER:-valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite}
    leak_run() { CK_FORK=no $vg "$@"; }
    dst=$(plant leak-on-failed-decode runtime/decode.c "$leak") && {
        keep=()
        for o in "$B"/runtime/*.o; do
            [ "$(basename "$o")" = decode.o ] || keep+=("$o")
        done
        # shellcheck disable=SC2086
        gcc $RT_CFLAGS -c "$dst" -o "$T/faults/leak.o" 2>>"$T/cc.log" &&
            link "$T/faults/leak.run" "$T/obj/bindings" "$T/faults/leak.o" "${keep[@]}"
        leak_run "$T/faults/leak.run" >"$T/leak.out" 2>&1
        status=$?
        if [ $status -ne 0 ] && grep -q 'definitely lost' "$T/leak.out"; then
            pass "gentests-faults/leak-on-failed-decode: detected: $(grep -m1 'definitely lost' "$T/leak.out")"
        else
            fail gentests-faults/leak-on-failed-decode "valgrind reports no leak (exit $status)"
        fi
    }
else
    msg="gentests-faults/leak-on-failed-decode: neither valgrind nor ASan to see it"
    skip gentests-faults/leak-on-failed-decode "$msg"
    printf '*** SKIP: %s\n' "$msg" >&2
fi
