# qapic parse: the corpus in every dialect, canonical printing, and bad
# input that must give a located error (never a crash or a hang).
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR/parse
mkdir -p "$T"

# --- bad input, made here ---------------------------------------------------
printf "{ 'a': 'unterminated\n}\n" >"$T/unterminated.json"
expect_exit "parse: unterminated string" 1 parse "$T/unterminated.json" &&
    grep_out "parse: unterminated string located" "unterminated.json:1:8: error: " "$ERR"

printf "{ 'a': 'b\0c' }\n" >"$T/nul.json"
expect_exit "parse: NUL byte in a string" 1 parse "$T/nul.json" &&
    grep_out "parse: NUL byte located" "nul.json:1:8: error: " "$ERR"

printf '{"a": "\xc3\x28"}' >"$T/utf8.json"
expect_exit "parse: invalid UTF-8 in JSON" 1 parse --dialect=json "$T/utf8.json" &&
    grep_out "parse: invalid UTF-8 located" "utf8.json:1:8: error: " "$ERR"

head -c 100000 /dev/zero | tr '\0' '[' >"$T/deep.json"
head -c 100000 /dev/zero | tr '\0' ']' >>"$T/deep.json"
expect_exit "parse: 100,000 nested arrays" 2 parse --dialect=json "$T/deep.json" &&
    grep_out "parse: deep nesting located" "deep.json:1:1001: error: " "$ERR"

{ printf "{ 'doc': '"; head -c 50000000 /dev/zero | tr '\0' 'x'; printf "' }\n"; } >"$T/big.json"
expect_exit "parse: 50 MB string" 0 parse "$T/big.json"
rm -f "$T/big.json"

: >"$T/empty.json"
expect_exit "parse: empty schema is valid" 0 parse "$T/empty.json"
expect_exit "parse: empty JSON is an error" 1 parse --dialect=json "$T/empty.json" &&
    grep_out "parse: empty JSON located" "empty.json:1:1: error: " "$ERR"
expect_exit "parse: empty stream is valid" 0 parse --dialect=stream "$T/empty.json"
expect_exit "parse: directory" 2 parse "$T" &&
    grep_out "parse: directory named" "Is a directory" "$ERR"
expect_exit "parse: /dev/null" 0 parse /dev/null
expect_exit "parse: missing file" 2 parse "$T/no-such-file.json" &&
    grep_out "parse: missing file named" "no-such-file.json.*No such file" "$ERR"
expect_exit "parse: unknown dialect" 2 parse --dialect=yaml "$T/empty.json"
expect_exit "parse: two files" 2 parse "$T/empty.json" "$T/empty.json"

printf '{"b": [1, {}, [], "\\u00e9"], "a": 18446744073709551615}' >"$T/one.json"
expect_exit "parse --print: runs" 0 parse --print --dialect=json "$T/one.json"
printf '{\n  "b": [\n    1,\n    {},\n    [],\n    "\\u00e9"\n  ],\n  "a": 18446744073709551615\n}\n' >"$T/one.expected"
check "parse --print: canonical form" cmp -s "$OUT" "$T/one.expected"

# --- the corpus ---------------------------------------------------------------
need_corpus "parse: corpus" || exit 0

bad=""
for f in "$CORPUS"/qemu-10.0/qapi/*.json "$CORPUS"/qemu-10.0/qga/qapi-schema.json; do
    run_qapic parse "$f"
    [ "$STATUS" = 0 ] || bad="$bad $(basename "$f")"
done
if [ -z "$bad" ]; then pass "parse: every QEMU 10.0 schema file"; else fail "parse: every QEMU 10.0 schema file" "rejected:$bad"; fi

bad=""
for f in "$CORPUS"/replies/*.replies; do
    run_qapic parse --print "$f"
    { [ "$STATUS" = 0 ] && cmp -s "$OUT" "$f"; } || bad="$bad $(basename "$f")"
done
if [ -z "$bad" ]; then pass "parse --print: reproduces every dump byte for byte"; else fail "parse --print: reproduces every dump byte for byte" "differs:$bad"; fi

# Syntax-level cases of QEMU's own test suite: same FILE:LINE:COL.
bad=""
n=0
for c in funny-word funny-char bad-type-int enum-int-member unclosed-string \
         unknown-escape ident-with-escape string-code-point-31 \
         string-code-point-127 leading-comma-object missing-colon \
         duplicate-key missing-comma-object unclosed-object \
         trailing-comma-object leading-comma-list missing-comma-list \
         unclosed-list trailing-comma-list missing-array-rsqb \
         missing-object-member-element; do
    f=$CORPUS/qemu-10.0/tests/qapi-schema/$c.json
    [ -f "$f" ] || continue
    n=$((n + 1))
    want=$(grep -m1 -oE '^[^ :]+\.json:[0-9]+:[0-9]+' "${f%.json}.err")
    (cd "$(dirname "$f")" && "$QAPIC" parse "$c.json" >/dev/null 2>"$ERR")
    grep -q "^$want: error: " "$ERR" || bad="$bad $c"
done
if [ -z "$bad" ]; then pass "parse: $n syntax cases of QEMU's suite located exactly"; else fail "parse: syntax cases of QEMU's suite located exactly" "wrong:$bad"; fi
