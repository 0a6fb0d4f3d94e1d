# Command-line behaviour: help, version, usage errors, unreadable input.
. "$TOP/tests/stages/lib.sh"

expect_exit cli/help 0 --help &&
    grep_out cli/help-lists-check '\bcheck\b'

expect_exit cli/version 0 --version &&
    grep_out cli/version-text '^qapic [0-9]+\.[0-9]+'

expect_exit cli/unknown-command 2 nosuchcmd &&
    grep_out cli/unknown-command-message 'nosuchcmd' "$ERR"

expect_exit cli/no-arguments 2

missing=$TMPDIR/does-not-exist.json
expect_exit cli/missing-file 2 parse "$missing" &&
    grep_out cli/missing-file-message "does-not-exist\.json.*No such file or directory" "$ERR"

# Empty input is not an error of the program, whatever parse makes of it.
expect_exit cli/dev-null '0|1' parse /dev/null

mkdir -p "$TMPDIR/a-directory"
expect_exit cli/directory '1|2' parse "$TMPDIR/a-directory" &&
    grep_out cli/directory-message 'a-directory' "$ERR"

# Whatever qapic does with odd input, it must not crash.
printf '\0\377{[' >"$TMPDIR/binary.json"
run_qapic parse "$TMPDIR/binary.json"
if [ "$STATUS" -lt 128 ]; then
    pass cli/binary-no-crash
else
    fail cli/binary-no-crash "$(describe_status "$STATUS")"
fi

run_qapic parse --no-such-option "$missing"
if [ "$STATUS" -eq 2 ]; then
    pass cli/unknown-option
else
    fail cli/unknown-option "expected exit 2, got $(describe_status "$STATUS")"
fi

# --- standard input ("-") -------------------------------------------------------
# Read from where it is (not reopened by name) and named <stdin>; a closed
# one is held, so that no file opened later is read as it, and "-" says it
# is closed.
printf "{ 'struct': 'Abc', 'data': {} }\n" >"$TMPDIR/abc.json"
printf '{"execute": "nosuch"}\n' >"$TMPDIR/nosuch.log"
# shellcheck disable=SC2086
$QAPIC_WRAPPER "$QAPIC" validate --schema "$TMPDIR/abc.json" - \
    <"$TMPDIR/nosuch.log" >"$OUT" 2>"$ERR"
check cli/stdin-read test $? -eq 1
grep_out cli/stdin-named "^<stdin>:1:[0-9]+: error: execute: unknown command 'nosuch'" "$ERR"
# A file of which the shell read a line already: the rest is the input.
{ printf 'skipped\n'; cat "$TMPDIR/nosuch.log"; } >"$TMPDIR/two.log"
# shellcheck disable=SC2086
{ read -r _; $QAPIC_WRAPPER "$QAPIC" validate --schema "$TMPDIR/abc.json" - \
    >"$OUT" 2>"$ERR"; } <"$TMPDIR/two.log"
grep_out cli/stdin-read-on "^<stdin>:1:[0-9]+: error: execute: unknown command 'nosuch'" "$ERR"
if command -v python3 >/dev/null 2>&1; then
    # A socket (opening /dev/stdin gives ENXIO).
    python3 - "$TMPDIR/nosuch.log" $QAPIC_WRAPPER "$QAPIC" validate \
        --schema "$TMPDIR/abc.json" - >"$OUT" 2>"$ERR" <<'PY'
import socket, subprocess, sys
a, b = socket.socketpair()
b.sendall(open(sys.argv[1], 'rb').read())
b.shutdown(socket.SHUT_WR)
sys.exit(subprocess.run(sys.argv[2:], stdin=a).returncode)
PY
    check cli/stdin-socket test $? -eq 1
    grep_out cli/stdin-socket-read "^<stdin>:1:[0-9]+: error: execute: unknown command 'nosuch'" "$ERR"
else
    skip cli/stdin-socket "no python3 to make a socket"
fi
# shellcheck disable=SC2086
$QAPIC_WRAPPER "$QAPIC" validate --schema "$TMPDIR/abc.json" - <&- >"$OUT" 2>"$ERR"
check cli/stdin-closed-exit test $? -eq 2
grep_out cli/stdin-closed-message "^qapic: error: cannot read standard input: it is closed" "$ERR"
if command -v strace >/dev/null 2>&1; then
    strace -qq -e trace=open,openat -o "$TMPDIR/trace" \
        "$QAPIC" check "$TMPDIR/abc.json" <&- >/dev/null 2>&1
    check cli/stdin-closed-schema-opened grep -q 'abc\.json' "$TMPDIR/trace"
    check cli/stdin-closed-schema-not-descriptor-0 \
        test -z "$(grep -E 'abc\.json.*\) = 0$' "$TMPDIR/trace")"
else
    skip cli/stdin-closed-held "no strace"
fi
