# The release tarball: "make dist" ships the generated scanner and parser,
# so that configure in the unpacked tree needs neither flex nor bison and
# the grammar builds without them.  (The whole build and test suite of the
# tarball: "make distcheck".)
. "$TOP/tests/stages/lib.sh"

# Only a checkout has what make dist packs (a release tree, unpacked
# inside some other checkout, is not one).
if ! git -C "$TOP" ls-files --error-unmatch Makefile.in >/dev/null 2>&1; then
    skip "dist" "not a git checkout"
    exit 0
fi
T=$TMPDIR/dist
mkdir -p "$T"
sub_make() {
    env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory "$@"
}

if sub_make -C "$TOP" BUILDDIR="$T/build" DIST_OUT="$T" dist >"$T/dist.log" 2>&1; then
    pass "dist: make dist"
else
    fail "dist: make dist" "$(tail -n 1 "$T/dist.log")"
    exit 0
fi
tarball=$(ls "$T"/qapic-*.tar.gz 2>/dev/null | head -n 1)
check "dist: tarball written" test -f "$tarball"
tar -tzf "$tarball" >"$T/list"
for f in grammar/dist/lexer.c grammar/dist/lexer.h grammar/dist/parser.c \
         grammar/dist/parser.h configure Makefile.in grammar/lexer.l; do
    grep_out "dist: ships $f" "^qapic-[^/]*/$f\$" "$T/list"
done
check "dist: no build products" test -z "$(grep -E '/(build|build-asan)/|\.o$|/qapic$' "$T/list")"

tar -xzf "$tarball" -C "$T"
tree=$(ls -d "$T"/qapic-*/ | head -n 1)
if (cd "$tree" && ./configure FLEX=/nonexistent/flex BISON=/nonexistent/bison \
        --without-corpus) >"$T/configure.log" 2>&1; then
    pass "dist: configure without flex and bison"
else
    fail "dist: configure without flex and bison" "$(grep -m 1 error "$T/configure.log")"
    exit 0
fi
grep_out "dist: configure says they are not needed" 'not needed' "$T/configure.log"
if sub_make -C "$tree" build/grammar/lexer.o build/grammar/parser.o \
        >"$T/make.log" 2>&1; then
    pass "dist: the grammar compiles from grammar/dist"
else
    fail "dist: the grammar compiles from grammar/dist" "$(grep -m 1 -E 'error|No rule' "$T/make.log")"
fi
# A tree without the generated files (a git checkout) still wants the tools.
mkdir -p "$T/git"
cp -r "$tree"/. "$T/git"
rm -rf "$T/git/grammar/dist"
if (cd "$T/git" && ./configure FLEX=/nonexistent/flex BISON=/nonexistent/bison \
        --without-corpus) >"$T/git.log" 2>&1; then
    fail "dist: without grammar/dist, configure asks for flex and bison" "configure passed"
else
    pass "dist: without grammar/dist, configure asks for flex and bison"
fi
grep_out "dist: names the missing tools" 'flex >= 2\.6' "$T/git.log"
