# qapic compat: client compatibility rules against capability dumps and
# source schemas, recorded calls, and malformed rule files.
. "$TOP/tests/stages/lib.sh"

MIG=$TOP/rules/qemu-migration.yaml
CAPS=$TOP/rules/libvirt-capabilities.yaml

# --- usage and malformed rule files (no corpus needed) ----------------------

printf '{"execute": "qmp_capabilities"}\n' >"$TMPDIR/one.log"

expect_exit compat/no-rules 2 compat "$TMPDIR/one.log"
expect_exit compat/no-source 2 compat --rules "$MIG"
expect_exit compat/bad-format 2 compat --rules "$MIG" --format=xml --calls "$TMPDIR/one.log"
expect_exit compat/bad-version-of 2 compat --rules "$MIG" --version-of nonsense "$TMPDIR/one.log"
expect_exit compat/missing-rules-file 2 compat --rules "$TMPDIR/nope.yaml" --calls "$TMPDIR/one.log" &&
    grep_out compat/missing-rules-file-message 'nope\.yaml.*No such file' "$ERR"
expect_exit compat/bundled-rules-load 0 compat --rules "$MIG" --rules "$CAPS" --calls "$TMPDIR/one.log"

# bad_rules NAME LINE YAML: the file must be refused (exit 2) with an error
# located at LINE of it.
bad_rules() {
    local name=$1 line=$2 file=$TMPDIR/$1.yaml
    printf '%b' "$3" >"$file"
    expect_exit "compat/malformed/$name" 2 compat --rules "$file" --calls "$TMPDIR/one.log" &&
        grep_out "compat/malformed/$name-located" "^$file:$line:[0-9]+: error: " "$ERR"
}
bad_rules yaml-syntax 3 'rules:\n  - id: [unclosed\n'
bad_rules tab 2 'rules:\n\t- id: x\n'
bad_rules unknown-key 4 'rules:\n  - id: a\n    command: migrate\n    argumentz: [uri]\n'
bad_rules wrong-type 1 'rules: {id: a}\n'
bad_rules missing-id 2 'rules:\n  - command: migrate\n'
bad_rules missing-rules 1 'client: x\n'
bad_rules bad-query 3 'rules:\n  - id: a\n    query: migrate//uri\n'
bad_rules bad-query-list 5 'rules:\n  - id: a\n    query:\n      - migrate\n      - "$feat/x"\n'
bad_rules duplicate-id 4 'rules:\n  - id: a\n    command: x\n  - id: a\n    event: Y\n'
bad_rules bad-version 4 'rules:\n  - id: a\n    command: x\n    min-version: nine\n'
bad_rules bad-json-type 4 'rules:\n  - id: a\n    command: x\n    arguments: {uri: text}\n'
bad_rules bad-path 4 'rules:\n  - id: a\n    command: x\n    arguments: ["a//b"]\n'
bad_rules conflict 4 'rules:\n  - id: a\n    command: x\n    event: Y\n'
bad_rules empty 1 ''
bad_rules binary 1 '\0\377{['

# Whatever the input, no crash.
crashed=
for f in "$TMPDIR"/*.yaml; do
    run_qapic compat --rules "$f" --calls "$TMPDIR/one.log"
    if [ "$STATUS" -ge 128 ]; then
        fail "compat/no-crash/$(basename "$f")" "$(describe_status "$STATUS")"
        crashed=1
    fi
done
[ -z "$crashed" ] && pass compat/no-crash

# --- recorded calls -----------------------------------------------------------

ch='"channels": [{"channel-type": "main", "addr": {"transport": "socket", "type": "inet", "host": "10.0.0.1", "port": "4444"}}]'
{
    printf '{"execute": "qmp_capabilities", "id": 1}\n'
    printf '{"execute": "migrate", "arguments": {"uri": "tcp:10.0.0.1:4444", %s}}\n' "$ch"
    printf '{"return": {}}\n'
    printf '{"execute": "migrate", "arguments": {"detach": true}}\n'
} >"$TMPDIR/bad-calls.log"
{
    printf '{"execute": "qmp_capabilities", "id": 1}\n'
    printf '{"execute": "migrate", "arguments": {%s}}\n' "$ch"
    printf '{"execute": "migrate-incoming", "arguments": {"uri": "defer", "exit-on-error": false}}\n'
    printf '{"event": "MIGRATION", "data": {"status": "active"}}\n'
} >"$TMPDIR/good-calls.log"
printf '{"execute": "migrate-incoming",\n "arguments": {"uri": "defer",\n   "exit-on-error": "no"}}\n' \
    >"$TMPDIR/type-calls.log"

expect_exit compat/calls-both-or-neither 1 compat --rules "$MIG" --calls "$TMPDIR/bad-calls.log" &&
    grep_out compat/calls-both-at-line "bad-calls\.log:2:1: error: .*both" "$ERR" &&
    grep_out compat/calls-neither-at-line "bad-calls\.log:4:1: error: .*none" "$ERR"
if [ "$(grep -c 'error:' "$ERR")" = 2 ]; then
    pass compat/calls-exactly-two
else
    fail compat/calls-exactly-two "$(grep -c 'error:' "$ERR") errors"
fi
expect_exit compat/calls-channels-only 0 compat --rules "$MIG" --calls "$TMPDIR/good-calls.log"
expect_exit compat/calls-type 1 compat --rules "$MIG" --calls "$TMPDIR/type-calls.log" &&
    grep_out compat/calls-type-at-value "type-calls\.log:3:21: error: .*exit-on-error" "$ERR"
expect_exit compat/calls-json 1 compat --rules "$MIG" --format=json --calls "$TMPDIR/bad-calls.log" &&
    grep_out compat/calls-json-line '"line": 4,'

# --- the corpus ---------------------------------------------------------------

need_corpus "compat corpus tests" || exit 0
dumps=("$CORPUS"/replies/caps_*.replies)

expect_exit compat/migration-text 0 compat --rules "$MIG" "${dumps[@]}" &&
    grep_out compat/migration-text-matrix '^migrate\.channels +(mm +)+ok( +ok)+$'

expect_exit compat/migration-tsv 0 compat --rules "$MIG" --format=tsv "${dumps[@]}"
# first_ok RULE VERSION: the rule holds on exactly the dumps of VERSION and
# later, whatever the architecture.
first_ok() {
    local bad
    bad=$(awk -F'\t' -v rule="$1" -v first="$2" '
        function key(v,   p) { split(v, p, "."); return p[1] * 10000 + p[2] * 100 + p[3] }
        NR > 1 && $3 == rule {
            want = key($2) >= key(first) ? "ok" : "missing-member"
            if ($4 != want) print $1 " (" $2 "): " $4
        }' "$OUT")
    if [ -z "$bad" ]; then
        pass "compat/first-ok/$1"
    else
        fail "compat/first-ok/$1" "$(echo "$bad" | head -n 1)"
    fi
}
first_ok migrate.channels 8.2.0
first_ok migrate-incoming.channels 8.2.0
first_ok migrate-incoming.exit-on-error 9.1.0
if [ "$(awk -F'\t' 'NR > 1' "$OUT" | wc -l)" -eq $((4 * ${#dumps[@]})) ]; then
    pass compat/migration-tsv-rows
else
    fail compat/migration-tsv-rows "$(wc -l <"$OUT") lines"
fi

# libvirt's flags: every (rule, dump) pair agrees with caps_*.xml.
run_qapic compat --rules "$CAPS" --format=tsv "${dumps[@]}"
if [ "$STATUS" -eq 1 ]; then
    for d in "${dumps[@]}"; do
        grep -o "<flag name='[^']*'/>" "${d%.replies}.xml" |
            sed "s|^<flag name='\(.*\)'/>\$|$d\t\1|"
    done >"$TMPDIR/flags.tsv"
    read -r pairs mismatches < <(awk -F'\t' '
        FNR == NR { set[$1 "\t" $2] = 1; next }
        FNR > 1 {
            n++
            if (($4 == "ok") != (($1 "\t" $3) in set)) { bad++; print $1 " " $3 " " $4 > "/dev/stderr" }
        }
        END { print n + 0, bad + 0 }' "$TMPDIR/flags.tsv" "$OUT" 2>"$TMPDIR/mismatches")
    if [ "$pairs" -eq $((50 * ${#dumps[@]})) ] && [ "$mismatches" -eq 0 ]; then
        pass compat/libvirt-flags
    else
        fail compat/libvirt-flags "$pairs pairs, $mismatches mismatches: $(head -n 1 "$TMPDIR/mismatches")"
    fi
else
    fail compat/libvirt-flags "expected exit 1, got $(describe_status "$STATUS"): $(head -n 1 "$ERR")"
fi

expect_exit compat/libvirt-json 1 compat --rules "$CAPS" --format=json "${dumps[@]}" &&
    if [ "$(grep -c '"rule": ' "$OUT")" -eq $((50 * ${#dumps[@]})) ]; then
        pass compat/libvirt-json-records
    else
        fail compat/libvirt-json-records "$(grep -c '"rule": ' "$OUT") records"
    fi
expect_exit compat/libvirt-markdown 1 compat --rules "$CAPS" --format=markdown "${dumps[@]}" &&
    grep_out compat/libvirt-markdown-table '^\| `drive-nvme` \|'

# A dump's own commands break no migration rule.
expect_exit compat/calls-from-dump 0 compat --rules "$MIG" --calls "${dumps[0]}"

schema=$CORPUS/qemu-10.0/qapi/qapi-schema.json
if [ -f "$schema" ]; then
    expect_exit compat/source-schema 0 compat --std=qemu-10.0 --rules "$MIG" --format=tsv \
        --version-of qapi-schema.json=10.0.13 "$schema" &&
        grep_out compat/source-schema-version $'\t10\\.0\\.13\tmigrate-incoming\\.exit-on-error\tok\t'
fi

# With a SOURCE, calls are validated against its schema as well.
newest=$CORPUS/replies/caps_10.0.0_x86_64.replies
older=$CORPUS/replies/caps_8.1.0_x86_64.replies
if [ -f "$newest" ] && [ -f "$older" ]; then
    expect_exit compat/calls-validate-ok 0 compat --rules "$MIG" --calls "$TMPDIR/good-calls.log" "$newest"
    expect_exit compat/calls-validate-old 1 compat --rules "$MIG" --calls "$TMPDIR/good-calls.log" "$older" &&
        grep_out compat/calls-validate-old-located "good-calls\.log:2:[0-9]+: error: .*channels.*caps_8\.1\.0_x86_64" "$ERR"
fi
