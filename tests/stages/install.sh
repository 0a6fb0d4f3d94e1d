# Installation: the program and its manual page, and the runtime library
# of generated bindings (static and shared with a soname, headers in
# INCLUDEDIR/qapic/, a pkg-config file) as a program outside the tree uses
# it.  The directory options are checked on a stand-in runtime source
# (tests/data/runtime-probe) built in a build directory of its own; then
# the real runtime and program are installed as they were tested, and a
# program outside the tree, on bindings the installed qapic generates,
# is built with pkg-config against the installed runtime, shared and
# static, and run.
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR/install
mkdir -p "$T"
# A make of our own: not the one running the tests (check-asan passes its
# settings down through MAKEFLAGS).
sub_make() {
    env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory -C "$TOP" "$@"
}

dest=$T/dest
# The program under test is installed as it is: never rebuilt here (-o).
before=$(stat -c %Y "$QAPIC")
if sub_make BUILDDIR="${BUILDDIR:-$TOP/build}" QAPIC_BIN="$QAPIC" -o "$QAPIC" \
        DESTDIR="$dest" prefix=/usr mandir=/usr/share/man bindir=/usr/bin \
        install-bin install-man >"$T/bin.log" 2>&1; then
    pass "install: program and manual page"
else
    fail "install: program and manual page" "$(tail -n 1 "$T/bin.log")"
fi
check "install: the program is not rebuilt" test "$(stat -c %Y "$QAPIC")" = "$before"
check "install: the installed program is the one tested" cmp -s "$QAPIC" "$dest/usr/bin/qapic"
check "install: bindir" test -x "$dest/usr/bin/qapic"
check "install: mandir" test -f "$dest/usr/share/man/man1/qapic.1"

# The runtime, with every directory option.
probe=tests/data/runtime-probe/probe.c
if sub_make BUILDDIR="$T/rt-build" RUNTIME_SRCS="$probe" DESTDIR="$dest" \
        prefix=/opt/q libdir=/opt/q/lib64 includedir=/opt/q/inc \
        install-runtime >"$T/rt.log" 2>&1; then
    pass "install: runtime"
else
    fail "install: runtime" "$(tail -n 1 "$T/rt.log")"
fi
lib=$dest/opt/q/lib64
if grep -E "(^| )-c .*probe\.c" "$T/rt.log" | grep -q -- "-Isrc"; then
    fail "install: runtime sources see only runtime/" "compiled with -Isrc"
else
    pass "install: runtime sources see only runtime/"
fi
check "install: static runtime" test -f "$lib/libqapic-runtime.a"
check "install: shared runtime" test -f "$lib/libqapic-runtime.so.0.1.0"
check "install: soname link" test "$(readlink "$lib/libqapic-runtime.so.0")" = libqapic-runtime.so.0.1.0
check "install: development link" test "$(readlink "$lib/libqapic-runtime.so")" = libqapic-runtime.so.0
if command -v readelf >/dev/null 2>&1; then
    grep_out "install: soname" 'SONAME.*\[libqapic-runtime\.so\.0\]' \
        <(readelf -d "$lib/libqapic-runtime.so.0.1.0")
fi
for h in "$TOP"/runtime/qapic/*.h; do
    check "install: header ${h##*/}" cmp -s "$h" "$dest/opt/q/inc/qapic/${h##*/}"
done
pc=$lib/pkgconfig/qapic-runtime.pc
check "install: pkg-config file" test -f "$pc"
grep_out "install: pkg-config includedir" '^includedir=/opt/q/inc$' "$pc"
grep_out "install: pkg-config json-c" '^Requires\.private: json-c$' "$pc"

# A program outside the tree, built the way its makefile would.
cat >"$T/consumer.c" <<'EOF'
#include <stdio.h>
#include <qapic/qapic.h>
int qapic_probe_answer(void);
int main(void)
{
    printf("%d\n", qapic_probe_answer());
    return 0;
}
EOF
flags=$(PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$lib/pkgconfig \
        pkg-config --cflags --libs qapic-runtime 2>"$T/pc.err")
if cc -o "$T/consumer" "$T/consumer.c" $flags 2>"$T/cc.err" &&
   [ "$(LD_LIBRARY_PATH=$lib "$T/consumer")" = 42 ]; then
    pass "install: a program links the shared runtime through pkg-config"
else
    fail "install: a program links the shared runtime through pkg-config" \
        "$(head -n 1 "$T/pc.err" "$T/cc.err")"
fi
if cc -o "$T/consumer-static" "$T/consumer.c" -I"$dest/opt/q/inc" \
        "$lib/libqapic-runtime.a" $(pkg-config --libs json-c) 2>"$T/cc.err" &&
   [ "$("$T/consumer-static")" = 42 ]; then
    pass "install: a program links the static runtime"
else
    fail "install: a program links the static runtime" "$(head -n 1 "$T/cc.err")"
fi

if sub_make BUILDDIR="$T/rt-build" RUNTIME_SRCS="$probe" DESTDIR="$dest" \
        prefix=/opt/q libdir=/opt/q/lib64 includedir=/opt/q/inc \
        bindir=/usr/bin mandir=/usr/share/man uninstall >"$T/un.log" 2>&1 &&
   [ -z "$(find "$dest" -type f -o -type l)" ]; then
    pass "install: uninstall removes everything"
else
    fail "install: uninstall removes everything" "$(find "$dest" -type f -o -type l | head -n 1)"
fi

# --- the real runtime, used from outside the tree -------------------------

B=${BUILDDIR:-$TOP/build}
if [ ! -f "$B/libqapic-runtime.a" ]; then
    skip install/real-runtime "libqapic-runtime not built"
    exit 0
fi
real=$T/real
R=$real/usr
# Nothing under test is rebuilt (-o), and the build's pkg-config file is
# left as it is (RUNTIME_PC elsewhere).
if sub_make BUILDDIR="$B" QAPIC_BIN="$QAPIC" -o "$QAPIC" \
        -o "$B/libqapic-runtime.a" -o "$B/libqapic-runtime.so.0.1.0" \
        RUNTIME_PC="$T/real-pc/qapic-runtime.pc" DESTDIR="$real" prefix=/usr \
        bindir=/usr/bin libdir=/usr/lib includedir=/usr/include \
        mandir=/usr/share/man install-bin install-runtime >"$T/real.log" 2>&1; then
    pass "install: the real runtime and program"
else
    fail "install: the real runtime and program" "$(tail -n 1 "$T/real.log")"
fi
check "install: the installed runtime is the one tested" \
    cmp -s "$B/libqapic-runtime.a" "$R/lib/libqapic-runtime.a"
grep_out "install: pkg-config names pthread for static links" \
    '^Libs\.private: -pthread$' "$R/lib/pkgconfig/qapic-runtime.pc"

# Bindings of the bundled demo schema, by the installed program.
out=$T/outside
mkdir -p "$out"
# shellcheck disable=SC2086
if $QAPIC_WRAPPER "$R/bin/qapic" gen c --prefix demo -o "$out/demo" \
        "$TOP/schemas/demo.json" >"$T/gen.log" 2>&1; then
    pass "install: the installed qapic generates bindings"
else
    fail "install: the installed qapic generates bindings" "$(head -n 1 "$T/gen.log")"
fi
# A program on them: a typed stub against the installed test peer.
cat >"$out/main.c" <<'EOF'
#include <stdio.h>
#include <qapic/testpeer.h>
#include "demo.h"

int main(void)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_exchange(p, "{\"execute\": \"query-transfer\"}",
                            "{\"return\": {\"status\": \"done\", "
                            "\"bytes-sent\": 42}}");
    qapic_client_options o;
    qapic_client_options_init(&o);
    o.check_schema = false;
    qapic_error *err = NULL;
    qapic_client *c = qapic_testpeer_connect(p, &o, &err);
    demo_TransferInfo *info = c ? demo_query_transfer(c, &err) : NULL;
    if (!info) {
        fprintf(stderr, "%s\n", err ? err->message : "?");
        return 1;
    }
    const char *s = demo_TransferStatus_str(info->status);
    printf("%s\n", s ? s : "(unknown)");
    demo_TransferInfo_free(info);
    qapic_client_free(c);
    const char *f = qapic_testpeer_finish(p);
    qapic_testpeer_free(p);
    return f != NULL;
}
EOF
# pkg-config on the staged tree only (and json-c's file of the system).
pc() {
    PKG_CONFIG_SYSROOT_DIR=$real PKG_CONFIG_PATH=$R/lib/pkgconfig \
        pkg-config "$@" qapic-runtime 2>>"$T/pc.err"
}
cflags=$(pc --cflags)
libs=$(pc --libs)
static_libs=$(pc --static --libs)
# build NAME LIBS...: the program, compiled outside the tree (with the
# sanitizer flags the runtime was built with).
build() {
    local name=$1
    shift
    # shellcheck disable=SC2086
    (cd "$out" && cc -std=c11 -Wall -Wextra -Werror $SAN_FLAGS $cflags -Idemo \
        -o "$name" main.c demo/*.c "$@") >"$T/$name.log" 2>&1
}
# shellcheck disable=SC2086
if build shared $libs && [ "$(LD_LIBRARY_PATH=$R/lib "$out/shared")" = done ]; then
    pass "install: a program on generated bindings links the shared runtime through pkg-config"
else
    fail "install: a program on generated bindings links the shared runtime through pkg-config" \
        "$(head -n 2 "$T/shared.log" "$T/pc.err" | tr '\n' ' ')"
fi
if command -v readelf >/dev/null 2>&1; then
    grep_out "install: the shared program needs libqapic-runtime.so.0" \
        'NEEDED.*\[libqapic-runtime\.so\.0\]' <(readelf -d "$out/shared")
fi
# Static: the flags of pkg-config --static, the archive chosen by name.
# shellcheck disable=SC2086
if build static ${static_libs//-lqapic-runtime/-l:libqapic-runtime.a} &&
   [ "$(env -u LD_LIBRARY_PATH "$out/static")" = done ]; then
    pass "install: a program on generated bindings links the static runtime through pkg-config --static"
else
    fail "install: a program on generated bindings links the static runtime through pkg-config --static" \
        "$(head -n 2 "$T/static.log" "$T/pc.err" | tr '\n' ' ')"
fi
if command -v readelf >/dev/null 2>&1 && [ -x "$out/static" ]; then
    if readelf -d "$out/static" | grep -q 'libqapic-runtime'; then
        fail "install: the static program needs no libqapic-runtime.so" "it does"
    else
        pass "install: the static program needs no libqapic-runtime.so"
    fi
fi
