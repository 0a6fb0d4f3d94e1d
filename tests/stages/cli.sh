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
