# Introspection: qapic introspect must give what QEMU's query-qmp-schema
# gives (values, order, masked numbers, gaps, key order), and a query must
# give the same answer on a source schema and on its introspection.
. "$TOP/tests/stages/lib.sh"

# same_json NAME FILE1 FILE2: PASS if both hold the same JSON value with the
# same key order (both are re-printed canonically by qapic parse --print).
same_json() {
    local name=$1 a=$2 b=$3
    if ! "$QAPIC" parse --dialect=json --print "$a" >"$TMPDIR/sj.a" 2>"$TMPDIR/sj.err" ||
       ! "$QAPIC" parse --dialect=json --print "$b" >"$TMPDIR/sj.b" 2>>"$TMPDIR/sj.err"; then
        fail "$name" "cannot re-print: $(head -n 1 "$TMPDIR/sj.err")"
    elif cmp -s "$TMPDIR/sj.a" "$TMPDIR/sj.b"; then
        pass "$name"
    else
        fail "$name" "differs: $(diff "$TMPDIR/sj.a" "$TMPDIR/sj.b" | sed -n 1,6p | tr '\n' ' ')"
    fi
}

# entries FILE: one line per entry of a 2-space indented array.
entries() {
    awk '/^  \{/ { e = "" } { e = e $0 } /^  \},?$/ { sub(/,$/, "", e); print e }' "$1"
}

# --- a small schema: numbering, gaps, conditions, integer collapsing --------

mini=$TMPDIR/mini.json
cat >"$mini" <<'EOF2'
{ 'enum': 'Enum', 'data': [ 'a', { 'name': 'b', 'if': 'X' } ] }
{ 'struct': 'Strct',
  'data': { 'i': 'int8', '*l': { 'type': ['uint16'], 'if': 'Y' }, 'e': 'Enum' } }
{ 'struct': 'Tee', 'data': {}, 'if': 'Z' }
{ 'command': 'd', 'data': { 't': 'Tee' }, 'if': 'Z' }
{ 'command': 'c', 'data': { '*v': ['Enum'] }, 'returns': 'Strct',
  'features': [ 'unstable' ], 'allow-oob': true }
{ 'event': 'EV', 'data': { '*n': 'number' } }
EOF2

# No symbols: d and its argument type "0", Tee ("5"), Enum value b and member
# l are compiled out, but the numbers stay; [int] is still used by l.
cat >"$TMPDIR/mini-none.want" <<'EOF2'
[{"allow-oob":true,"arg-type":"2","features":["unstable"],"meta-type":"command","name":"c","ret-type":"3"},
{"arg-type":"4","meta-type":"event","name":"EV"},
{"members":[],"meta-type":"object","name":"1"},
{"members":[{"default":null,"name":"v","type":"[6]"}],"meta-type":"object","name":"2"},
{"members":[{"name":"i","type":"int"},{"name":"e","type":"6"}],"meta-type":"object","name":"3"},
{"members":[{"default":null,"name":"n","type":"number"}],"meta-type":"object","name":"4"},
{"element-type":"6","meta-type":"array","name":"[6]"},
{"members":[{"name":"a"}],"meta-type":"enum","name":"6","values":["a"]},
{"json-type":"int","meta-type":"builtin","name":"int"},
{"element-type":"int","meta-type":"array","name":"[int]"},
{"json-type":"number","meta-type":"builtin","name":"number"}]
EOF2
expect_exit introspect/mini-none 0 introspect "$mini" &&
    same_json introspect/mini-none-value "$OUT" "$TMPDIR/mini-none.want"

cat >"$TMPDIR/mini-all.want" <<'EOF2'
[{"arg-type":"0","meta-type":"command","name":"d","ret-type":"1"},
{"allow-oob":true,"arg-type":"2","features":["unstable"],"meta-type":"command","name":"c","ret-type":"3"},
{"arg-type":"4","meta-type":"event","name":"EV"},
{"members":[{"name":"t","type":"5"}],"meta-type":"object","name":"0"},
{"members":[],"meta-type":"object","name":"1"},
{"members":[{"default":null,"name":"v","type":"[6]"}],"meta-type":"object","name":"2"},
{"members":[{"name":"i","type":"int"},{"default":null,"name":"l","type":"[int]"},{"name":"e","type":"6"}],"meta-type":"object","name":"3"},
{"members":[{"default":null,"name":"n","type":"number"}],"meta-type":"object","name":"4"},
{"members":[],"meta-type":"object","name":"5"},
{"element-type":"6","meta-type":"array","name":"[6]"},
{"members":[{"name":"a"},{"name":"b"}],"meta-type":"enum","name":"6","values":["a","b"]},
{"json-type":"int","meta-type":"builtin","name":"int"},
{"element-type":"int","meta-type":"array","name":"[int]"},
{"json-type":"number","meta-type":"builtin","name":"number"}]
EOF2
expect_exit introspect/mini-defines 0 introspect -D X -D Y --define Z "$mini" &&
    same_json introspect/mini-defines-value "$OUT" "$TMPDIR/mini-all.want"
printf '# comment\nX\n\n  Y  \nZ=y\nW=n\n' >"$TMPDIR/mini.config"
expect_exit introspect/mini-config 0 introspect --config "$TMPDIR/mini.config" "$mini" &&
    same_json introspect/mini-config-value "$OUT" "$TMPDIR/mini-all.want"
expect_exit introspect/mini-all-conditions 0 introspect --all-conditions "$mini" &&
    same_json introspect/mini-all-conditions-value "$OUT" "$TMPDIR/mini-all.want"

# QEMU's wire order of keys (tdb_hash buckets).
run_qapic introspect --key-order=qemu -u "$mini"
if grep -q '"name": "c",' "$OUT" &&
   [ "$(tr -d ' \n' <"$OUT" | grep -o '{"name":"c"[^}]*}')" = \
     '{"name":"c","ret-type":"Strct","allow-oob":true,"meta-type":"command","arg-type":"q_obj_c-arg","features":["unstable"]}' ]; then
    pass introspect/mini-qemu-order
else
    fail introspect/mini-qemu-order "$(tr -d ' \n' <"$OUT" | head -c 200)"
fi

expect_exit introspect/output-file 0 introspect -o "$TMPDIR/mini-out.json" "$mini" &&
    same_json introspect/output-file-value "$TMPDIR/mini-out.json" "$TMPDIR/mini-none.want"
expect_exit introspect/missing-schema 2 introspect "$TMPDIR/nosuch.json"
expect_exit introspect/missing-config 2 introspect --config "$TMPDIR/nosuch.txt" "$mini"
expect_exit introspect/bad-key-order 2 introspect --key-order=random "$mini"
printf "{ 'command': 'x', 'data': 'Nosuch' }\n" >"$TMPDIR/bad.json"
expect_exit introspect/bad-schema 1 introspect "$TMPDIR/bad.json"

# Queries on the source (every condition true) and on its introspection.
run_qapic introspect --all-conditions "$mini"
cp "$OUT" "$TMPDIR/mini-intro.json"
for q in c 'c/$unstable' 'c/arg-type/*v/^b' 'c/ret-type/l' 'c/ret-type/i/!int' \
         'd/arg-type/t' 'EV/arg-type/n/!number' 'c/ret-type/*i' 'c/arg-type/v/^c'; do
    run_qapic query "$mini" "$q"
    a=$(cat "$OUT")
    run_qapic query "$TMPDIR/mini-intro.json" "$q"
    if [ -n "$a" ] && [ "$a" = "$(cat "$OUT")" ]; then
        pass "introspect/mini-query[$q]"
    else
        fail "introspect/mini-query[$q]" "source '$a', introspection '$(cat "$OUT")'"
    fi
done

# --- QEMU 10.0's schema -----------------------------------------------------

need_corpus "introspect/qemu-10.0" || exit 0
Q=$CORPUS/qemu-10.0
schema=$Q/qapi/qapi-schema.json
config=$Q/expected/config-x86_64.txt

expect_exit introspect/x86_64 0 introspect --std=qemu-10.0 --config "$config" "$schema" &&
    same_json introspect/x86_64-value "$OUT" "$Q/expected/introspect-x86_64.json"
n=$(entries "$OUT" | wc -l)
check "introspect/x86_64-1177-entries" test "$n" -eq 1177

expect_exit introspect/x86_64-unmasked 0 introspect --std=qemu-10.0 --config "$config" \
    --unmask-non-abi-names "$schema" &&
    same_json introspect/x86_64-unmasked-value "$OUT" "$Q/expected/introspect-x86_64-unmasked.json"

expect_exit introspect/noconfig 0 introspect --std=qemu-10.0 "$schema" &&
    same_json introspect/noconfig-value "$OUT" "$Q/expected/introspect-noconfig.json"

# QEMU's key order against the real reply of QEMU 10.0.0: the Debian source
# carries one backported member, so exactly one entry differs.
replies=$CORPUS/replies/caps_10.0.0_x86_64.replies
expect_exit introspect/qemu-order 0 introspect --std=qemu-10.0 --config "$config" \
    --key-order=qemu "$schema"
entries "$OUT" >"$TMPDIR/gen.entries"
awk '/"execute": "query-qmp-schema"/ { f = 1 }
     f && /^  "return": \[/ { p = 1; print "["; next }
     p && /^  \],?$/ { print "]"; exit }
     p { print substr($0, 3) }' "$replies" >"$TMPDIR/dump-schema.json"
entries "$TMPDIR/dump-schema.json" >"$TMPDIR/dump.entries"
ndiff=$(paste -d $'\001' "$TMPDIR/gen.entries" "$TMPDIR/dump.entries" |
        awk -F $'\001' '$1 != $2' | wc -l)
ngen=$(wc -l <"$TMPDIR/gen.entries")
ndump=$(wc -l <"$TMPDIR/dump.entries")
if [ "$ngen" -eq 1177 ] && [ "$ndump" -eq 1177 ] && [ "$ndiff" -eq 1 ] &&
   paste -d $'\001' "$TMPDIR/gen.entries" "$TMPDIR/dump.entries" |
       awk -F $'\001' '$1 != $2' | grep -q '"delay-ns"'; then
    pass introspect/qemu-order-vs-dump
else
    fail introspect/qemu-order-vs-dump "$ngen/$ndump entries, $ndiff differ (want 1177/1177, 1 with delay-ns)"
fi

# A query answers the same on the source and on its generated
# introspection (masked and unmasked).
mapfile -t paths < <(grep -v '^#' "$CORPUS/libvirt-schema-queries.txt" | cut -f1)
paths+=('migrate/arg-type/channels/addr/+socket/+inet/host/!string'
        'query-status/ret-type/status/^debug' 'device_add/$json-cli-hotplug'
        'blockdev-add/arg-type/+qcow2/backing/!null'
        'blockdev-add/arg-type/+file/aio/^threads'
        'query-qmp-schema/ret-type/name/!number' 'block-commit/arg-type/*top'
        'block-commit/arg-type/*nonexistent')
run_qapic query --std=qemu-10.0 "$schema" "${paths[@]}"
cp "$OUT" "$TMPDIR/q-source.txt"
for mode in masked unmasked; do
    flags=--all-conditions
    [ $mode = unmasked ] && flags="$flags --unmask-non-abi-names"
    # shellcheck disable=SC2086
    run_qapic introspect --std=qemu-10.0 $flags -o "$TMPDIR/all-$mode.json" "$schema"
    run_qapic query "$TMPDIR/all-$mode.json" "${paths[@]}"
    if [ -s "$OUT" ] && cmp -s "$OUT" "$TMPDIR/q-source.txt"; then
        pass "introspect/query-source-vs-$mode"
    else
        fail "introspect/query-source-vs-$mode" "$(diff "$TMPDIR/q-source.txt" "$OUT" | head -n 3 | tr '\n' ' ')"
    fi
done
