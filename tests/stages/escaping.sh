# Every byte is escaped: JSON output is valid for any bytes (what is not
# UTF-8 becomes U+FFFD, one per byte), text output shows control
# characters and terminal escapes as \xNN, markdown and TSV cells cannot
# be broken, rule ids are validated and a YAML null key is no member name.
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR/esc
rm -rf "$T"
mkdir -p "$T"
ESC=$(printf '\033')
small_dump "$T/d.replies"
run_qapic replies fix "$T/d.replies"

# strict_json NAME FILE: every line of FILE (or the whole of it, with
# WHOLE=1) is JSON that a strict parser takes: no unpaired surrogate.
strict_json() {
    if ! command -v python3 >/dev/null 2>&1; then
        skip "$1" "no python3 to parse JSON"
        return
    fi
    if WHOLE=${WHOLE:-0} python3 -c '
import json, os, sys
text = open(sys.argv[1], encoding="ascii").read()
docs = [text] if os.environ["WHOLE"] == "1" else text.splitlines()
for d in docs:
    # Lone surrogates pass json.loads but not a strict UTF-8 encoder.
    json.dumps(json.loads(d), ensure_ascii=False).encode("utf-8")
' "$2" 2>"$T/py.err"; then
        pass "$1"
    else
        fail "$1" "$(tail -n 1 "$T/py.err")"
    fi
}

# no_raw NAME FILE: FILE holds no ESC, no C1 CSI (U+009B) and no
# non-UTF-8 byte.
no_raw() {
    if grep -q "$ESC" "$2" || grep -q "$(printf '\302\233')" "$2" ||
       ! iconv -f UTF-8 -t UTF-8 "$2" >/dev/null 2>&1; then
        fail "$1" "raw control or non-UTF-8 bytes: $(od -c "$2" | head -n 3 | tr -s ' ')"
    else
        pass "$1"
    fi
}

# --- JSON: any bytes, valid output -------------------------------------------

bad=$(printf 'caf\351')        # Latin-1 e-acute: not UTF-8
expect_exit "escaping: json diag, non-UTF-8 file name" 2 check --diag-format=json "$T/$bad.json" &&
    grep_out "escaping: json diag, U+FFFD for the bad byte" 'caf\\ufffd\.json' "$ERR"
strict_json "escaping: json diag is strict JSON" "$ERR"
sur=$(printf 'x\355\240\200y')  # an encoded surrogate: three bad bytes
expect_exit "escaping: json diag, encoded surrogate" 2 check --diag-format=json "$T/$sur.json" &&
    grep_out "escaping: json diag, one U+FFFD per byte, none lost" 'x\\ufffd\\ufffd\\ufffdy\.json' "$ERR"
strict_json "escaping: json diag with a surrogate is strict JSON" "$ERR"
cp "$T/d.replies" "$T/$bad.replies"
expect_exit "escaping: replies check json, non-UTF-8 name" 0 replies check --format=json "$T/$bad.replies"
WHOLE=1 strict_json "escaping: replies check json is strict JSON" "$OUT"
grep_out "escaping: replies check json file name" '"file": ".*caf\\ufffd\.replies"'
expect_exit "escaping: query json, non-UTF-8 path" 1 query --format=json "$T/d.replies" "$bad"
WHOLE=1 strict_json "escaping: query json is strict JSON" "$OUT"

# --- text: control characters made visible -----------------------------------

cmd="${ESC}[2Jboom"
expect_exit "escaping: validate, a command holding ESC" 1 replies validate "$T/d.replies" \
    "{\"execute\": \"\\u001b[2Jboom\"}"
no_raw "escaping: validate stdout has no raw ESC" "$OUT"
no_raw "escaping: validate stderr has no raw ESC" "$ERR"
grep_out "escaping: validate shows \\x1b" "unknown command '\\\\x1b\[2Jboom'" "$ERR"
grep_out "escaping: validate result line shows \\x1b" ': command 1 \(\\x1b\[2Jboom\): invalid'
expect_exit "escaping: qemu format too" 1 replies validate --diag-format=qemu "$T/d.replies" \
    '{"execute": "\u009b31m"}'
no_raw "escaping: qemu format has no raw CSI" "$ERR"
grep_out "escaping: qemu format shows \\u009b" "'\\\\u009b31m'" "$ERR"
expect_exit "escaping: missing file named with ESC" 2 check "$T/$cmd.json"
no_raw "escaping: file name with ESC" "$ERR"
expect_exit "escaping: query text, path with ESC and tab" 1 query "$T/d.replies" "$cmd$(printf '\t')x"
no_raw "escaping: query text output" "$OUT"
grep_out "escaping: query text path visible" '^\\x1b\[2Jboom\\tx	false$'
cp "$T/d.replies" "$T/$cmd.replies"
expect_exit "escaping: replies check text, file named with ESC" 0 replies check "$T/$cmd.replies"
no_raw "escaping: replies check text output" "$OUT"
expect_exit "escaping: non-UTF-8 file name in text" 0 replies check "$T/$bad.replies"
grep_out "escaping: non-UTF-8 byte shown as \\xe9" 'caf\\xe9\.replies: ok$'

# --- reports: text, markdown and TSV cells -------------------------------------

printf 'rules:\n  - {id: caps, command: "a|b`c`"}\n  - {id: "x`y", command: qmp_capabilities}\n' >"$T/r.yaml"
cp "$T/d.replies" "$T/p|q$cmd.replies"
expect_exit "escaping: compat markdown" 1 compat --format=markdown --rules "$T/r.yaml" "$T/p|q$cmd.replies"
no_raw "escaping: compat markdown has no raw ESC" "$OUT"
check "escaping: markdown table rows keep their cells" \
    test "$(grep '^| ' "$OUT" | awk -F'[^\\\\]\\|' '{print NF}' | sort -u | wc -l)" -eq 1
grep_out "escaping: markdown source cell escaped" '^\| rule \| p\\\|q\\\\x1b\\\[2Jboom\.replies<br>\? \|$'
grep_out "escaping: markdown code span fence" '^\| ``x`y`` \|'
grep_out "escaping: markdown detail escaped" 'a\\\|b\\`c\\`'
expect_exit "escaping: compat tsv" 1 compat --format=tsv --rules "$T/r.yaml" "$T/p|q$cmd.replies"
no_raw "escaping: compat tsv has no raw ESC" "$OUT"
check "escaping: tsv rows have six fields" \
    test "$(awk -F'\t' '{print NF}' "$OUT" | sort -u)" = 6
expect_exit "escaping: compat text" 1 compat --rules "$T/r.yaml" "$T/p|q$cmd.replies"
no_raw "escaping: compat text has no raw ESC" "$OUT"

# --- rule ids and keys ----------------------------------------------------------

# bad_id NAME ID-YAML: the rule file is refused (exit 2) with rules-bad-id
# located on line 2.
printf '{"execute": "qmp_capabilities"}\n' >"$T/one.log"
bad_id() {
    printf 'rules:\n  - {id: %s, command: qmp_capabilities}\n' "$2" >"$T/id.yaml"
    expect_exit "escaping: rule id $1 refused" 2 compat --rules "$T/id.yaml" --calls "$T/one.log" &&
        grep_out "escaping: rule id $1 located" "id\.yaml:2:[0-9]+: error: rule id .* ids are printable" "$ERR"
    run_qapic compat --diag-format=json --rules "$T/id.yaml" --calls "$T/one.log"
    grep_out "escaping: rule id $1 code" '"code": "rules-bad-id"' "$ERR"
}
bad_id empty '""'
bad_id pipe '"a|b"'
bad_id tab '"a\tb"'
bad_id newline '"a\nb"'
bad_id escape '"\e[31m"'
bad_id bidi '"abc\u202e"'
printf 'rules:\n  - {id: "a\\0b", command: qmp_capabilities}\n' >"$T/nul.yaml"
expect_exit "escaping: NUL in an id refused" 2 compat --diag-format=json --rules "$T/nul.yaml" --calls "$T/one.log" &&
    grep_out "escaping: NUL in an id code" '"code": "rules-nul-character"' "$ERR"
printf 'rules:\n  - {id: "fine id", command: qmp_capabilities}\n' >"$T/ok.yaml"
expect_exit "escaping: an id with a space is fine" 0 compat --rules "$T/ok.yaml" --calls "$T/one.log"

# null_key NAME ARGUMENTS-YAML: refused, located at the key.
null_key() {
    printf 'rules:\n  - id: a\n    command: qmp_capabilities\n    arguments: %s\n' "$2" >"$T/null.yaml"
    expect_exit "escaping: null key $1 refused" 2 compat --rules "$T/null.yaml" --calls "$T/one.log" &&
        grep_out "escaping: null key $1 located" "null\.yaml:[45]:[0-9]+: error: a key must be a string, not YAML's null" "$ERR"
}
null_key tilde '{~: string}'
null_key null '{null: string}'
null_key Null '{Null: int, x: int}'
null_key empty $'\n      ? \n      : string'
# Quoted, '~' is a string, but no name QEMU allows (a letter first, then
# letters, digits, '-' and '_'; enum values may begin with a digit).
printf 'rules:\n  - {id: a, command: qmp_capabilities, arguments: {"~": string}}\n' >"$T/quoted.yaml"
expect_exit "escaping: a quoted '~' is no QAPI name" 2 compat --rules "$T/quoted.yaml" "$T/d.replies" &&
    grep_out "escaping: a quoted '~' is refused, located" "quoted\.yaml:2:[0-9]+: error: member path '~': '~' is not a QAPI name" "$ERR"
bad_member() {
    printf 'rules:\n  - {id: a, command: qmp_capabilities, arguments: ["%s"]}\n' "$2" >"$T/member.yaml"
    expect_exit "escaping: member path $1 refused" 2 compat --rules "$T/member.yaml" "$T/d.replies" &&
        grep_out "escaping: member path $1 says why" "is not a QAPI name" "$ERR"
}
bad_member tilde-inside 'a~b'
bad_member digit-first '1abc'
bad_member branch-tilde 'x/+~'
bad_member space 'a b'
good_member() {
    printf 'rules:\n  - {id: a, command: qmp_capabilities, arguments: ["%s"]}\n' "$2" >"$T/member.yaml"
    expect_exit "escaping: member path $1 is a name" 1 compat --rules "$T/member.yaml" "$T/d.replies"
}
good_member downstream '__com.example_x-y'
good_member branch-digit 'x/+1024x768'
good_member value-digit 'x/^2'
good_member upper-underscore 'Foo_bar' 
