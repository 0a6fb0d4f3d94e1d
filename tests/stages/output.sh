# Output that cannot be written is an error: every subcommand writing to
# /dev/full exits 2 with a message, and a file that cannot be replaced
# (-o FILE, replies fix) is left as it was.
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR/files
mkdir -p "$T"
printf "{ 'enum': 'Color', 'data': [ 'red' ] }\n{ 'command': 'paint', 'data': { 'c': 'Color' } }\n" \
    >"$T/s.json"
small_dump "$T/raw.replies"
printf 'rules:\n  - {id: caps, command: qmp_capabilities}\n' >"$T/r.yaml"

# Standard output by a link of the test's own (never the system's
# /dev/stdout: a writer that replaced what it writes would replace it).
ln -sf /proc/self/fd/1 "$T/stdout"

# A canonical dump, written by qapic itself.
cp "$T/raw.replies" "$T/d.replies"
expect_exit "output: fix a dump" 0 replies fix "$T/d.replies"

# full NAME ARGS...: qapic ARGS with stdout on /dev/full must exit 2 and
# say why.
full() {
    local name=$1
    shift
    # shellcheck disable=SC2086
    $QAPIC_WRAPPER "$QAPIC" "$@" >/dev/full 2>"$ERR" </dev/null
    STATUS=$?
    if [ "$STATUS" -ne 2 ]; then
        fail "output: /dev/full: $name" "expected exit 2, got $(describe_status "$STATUS")"
    elif ! grep -q 'cannot write to standard output: No space left on device' "$ERR"; then
        fail "output: /dev/full: $name" "no message: $(head -n 1 "$ERR")"
    else
        pass "output: /dev/full: $name"
    fi
}

full "--help" --help
full "--version" --version
full "help" help check
full "no subcommand" # the overview, with exit 2 anyway
full "parse --print" parse --print "$T/s.json"
full "dump" dump "$T/s.json"
full "dump test-qapi" dump --format=test-qapi "$T/s.json"
full "introspect" introspect "$T/s.json"
full "introspect -o -" introspect -o - "$T/s.json"
full "query" query "$T/s.json" paint/arg-type/c
full "query json" query --format=json "$T/d.replies" paint
full "replies check" replies check "$T/d.replies"
full "replies check json" replies check --format=json "$T/raw.replies"
full "replies fix --check" replies fix --check "$T/d.replies"
full "replies validate" replies validate "$T/d.replies" '{"execute": "qmp_capabilities"}'
full "replies schema" replies schema "$T/d.replies"
full "compat" compat --rules "$T/r.yaml" "$T/d.replies"
full "validate" validate --schema "$T/d.replies" '{"execute": "qmp_capabilities"}'
full "validate json" validate --format=json --schema "$T/d.replies" '{"execute": "qmp_capabilities"}'
full "diff" diff "$T/d.replies" "$T/s.json"
full "diff markdown" diff --format=markdown "$T/d.replies" "$T/s.json"
"$QAPIC" gen c -o "$T/gen" --depfile "$T/stdout" "$T/s.json" >/dev/full 2>"$ERR"
check "output: /dev/full: gen c --depfile on standard output exits 2" test $? -eq 2
grep_out "output: /dev/full: gen c --depfile says so" "cannot write '.*stdout': No space left on device" "$ERR"
check "output: /dev/full: gen c --depfile: all or nothing" test ! -e "$T/gen/qmp.h"
full "compat tsv" compat --format=tsv --rules "$T/r.yaml" "$T/d.replies"
full "compat --calls" compat --rules "$T/r.yaml" --calls "$T/d.replies"

# A command that found problems (exit 1) and could not write its report
# exits 2: the lost output wins.
printf '{"execute": "query-qmp-schema"}\n{"return": []}\n' >"$T/bad.replies"
full "replies check, problems" replies check "$T/bad.replies"
full "replies check json, problems" replies check --format=json "$T/bad.replies"
full "replies validate, invalid" replies validate "$T/d.replies" '{"execute": "no-such-command"}'
full "query, false" query "$T/s.json" paint/arg-type/nope
full "replies fix --check, not canonical" replies fix --check "$T/raw.replies"

# Diagnostics that cannot be written: exit 2, whatever was found (there is
# nowhere left to say why).
printf "{ 'struct': 'x' }\n" >"$T/bad.json"
$QAPIC_WRAPPER "$QAPIC" check "$T/bad.json" 2>/dev/full </dev/null
check "output: stderr on /dev/full: problems give exit 2" test $? -eq 2
$QAPIC_WRAPPER "$QAPIC" replies check "$T/bad.replies" >/dev/null 2>/dev/full </dev/null
check "output: stderr on /dev/full: replies check gives exit 2" test $? -eq 2
$QAPIC_WRAPPER "$QAPIC" check "$T/s.json" 2>/dev/full </dev/null
check "output: stderr on /dev/full: nothing to say is fine" test $? -eq 0

# check writes nothing to stdout, so there is nothing to fail.
$QAPIC_WRAPPER "$QAPIC" check "$T/s.json" >/dev/full 2>"$ERR" </dev/null
check "output: /dev/full: check writes nothing" test $? -eq 0 -a ! -s "$ERR"

# -o FILE where no file can be made: exit 2, a message, nothing left.
expect_exit "output: -o into a missing directory" 2 introspect -o "$T/no/such/x.json" "$T/s.json" &&
    grep_out "output: -o message" "cannot create a temporary file for '.*no/such/x.json'" "$ERR"

# A rewrite that fails half-way (a file size limit makes write() fail, for
# root too): exit 2, a message, the original byte for byte, no temporary.
for i in $(seq 40); do
    printf '{"execute": "query-version-%02d"}\n{"return": {"x": "%0200d"}}\n' "$i" 0
done >"$T/big.replies"
cp "$T/big.replies" "$T/big.orig"
(
    trap '' XFSZ
    ulimit -f 4
    # shellcheck disable=SC2086
    $QAPIC_WRAPPER "$QAPIC" replies fix "$T/big.replies" >"$OUT" 2>"$ERR" </dev/null
    echo $? >"$T/status"
)
if [ "$(cat "$T/status")" != 2 ]; then
    fail "output: failed rewrite exits 2" "got $(cat "$T/status"): $(head -n 1 "$ERR")"
else
    pass "output: failed rewrite exits 2"
fi
grep_out "output: failed rewrite says so" "cannot write '.*big.replies': File too large" "$ERR"
check "output: failed rewrite leaves the original" cmp -s "$T/big.replies" "$T/big.orig"
check "output: failed rewrite leaves no temporary" \
    test -z "$(find "$T" -name '.qapic-*' -print)"
