# Installation: the program and its manual page, and the runtime library
# of generated bindings (static and shared with a soname, headers in
# INCLUDEDIR/qapic/, a pkg-config file) as a program outside the tree uses
# it.  The runtime part is built from a stand-in source
# (tests/data/runtime-probe) in a build directory of its own, so it works
# whether runtime/ has sources yet or not.
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
