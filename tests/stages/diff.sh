# qapic diff: the command line, then real dumps and the real 10.0 schema
# with deliberate edits (made in a scratch copy at test time).
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR/diff
mkdir -p "$T"

# --- without the corpus ------------------------------------------------------

# mini_dump FILE VERSION ENTRIES: a capability dump with query-version and
# the schema ENTRIES (plus a builtin).
mini_dump() {
    cat >"$1" <<EOF
{"execute": "query-version", "id": "libvirt-1"}

{"return": {"qemu": {"micro": 0, "minor": ${2#*.}, "major": ${2%.*}}, "package": ""}, "id": "libvirt-1"}

{"execute": "query-qmp-schema", "id": "libvirt-2"}

{"return": [$3, {"name": "str", "meta-type": "builtin", "json-type": "string"}], "id": "libvirt-2"}
EOF
}
mini_dump "$T/old.replies" 9.1 \
    '{"name": "go", "meta-type": "command", "arg-type": "1", "ret-type": "2"},
     {"name": "1", "meta-type": "object", "members": [{"name": "uri", "type": "str"}]},
     {"name": "2", "meta-type": "object", "members": []}'
mini_dump "$T/new.replies" 9.2 \
    '{"name": "go", "meta-type": "command", "arg-type": "7", "ret-type": "8"},
     {"name": "7", "meta-type": "object", "members": [{"name": "uri", "type": "str"},
                                                     {"name": "mode", "type": "str"}]},
     {"name": "8", "meta-type": "object", "members": []}'

expect_exit diff/self 0 diff "$T/old.replies" "$T/old.replies" &&
    grep_out diff/self-no-changes '^no changes$'
expect_exit diff/changes-exit-0 0 diff "$T/old.replies" "$T/new.replies" &&
    grep_out diff/version-header '^QEMU 9\.1\.0 -> QEMU 9\.2\.0$'
grep_out diff/changelog-entity '^command go$'
grep_out diff/changelog-line "^  breaking    go/arg-type/mode: mandatory argument 'mode' added$"
grep_out diff/summary '^1 change in 1 command and 0 events: 1 breaking, 0 expected, 0 notices, 0 compatible$'
expect_exit diff/breaking-exit-1 1 diff --breaking "$T/old.replies" "$T/new.replies"
expect_exit diff/breaking-self-exit-0 0 diff --breaking "$T/new.replies" "$T/new.replies"
expect_exit diff/breaking-removed-argument 1 diff --breaking "$T/new.replies" "$T/old.replies" &&
    grep_out diff/removed-argument-line "^  breaking    go/arg-type/mode: mandatory argument 'mode' removed$"
expect_exit diff/json 0 diff --format=json "$T/old.replies" "$T/new.replies" &&
    grep_out diff/json-change '^      "change": "member-added",$'
grep_out diff/json-version '^    "qemu_version": "9\.2\.0",$'
grep_out diff/json-summary '^    "breaking": 1,$'
cp "$OUT" "$T/report.json"
run_qapic parse --dialect=json "$T/report.json"
check diff/json-is-json test "$STATUS" -eq 0
expect_exit diff/markdown 0 diff --format=markdown "$T/old.replies" "$T/new.replies" &&
    grep_out diff/markdown-table '^\| breaking \| input \| `go/arg-type/mode` \| '
expect_exit diff/version-of 0 diff --version-of old=1.2.3 --version-of new.replies=4.5 \
    "$T/old.replies" "$T/new.replies" &&
    grep_out diff/version-of-header '^QEMU 1\.2\.3 -> QEMU 4\.5\.0$'

expect_exit diff/no-operands 2 diff
expect_exit diff/one-operand 2 diff "$T/old.replies"
expect_exit diff/three-operands 2 diff "$T/old.replies" "$T/old.replies" "$T/old.replies"
expect_exit diff/bad-format 2 diff --format=xml "$T/old.replies" "$T/new.replies"
expect_exit diff/bad-version-of 2 diff --version-of old=x "$T/old.replies" "$T/new.replies"
expect_exit diff/missing-file 2 diff "$T/old.replies" "$T/nosuch.replies" &&
    grep_out diff/missing-file-message 'nosuch\.replies.*No such file' "$ERR"
expect_exit diff/missing-config 2 diff --config "$T/nosuch.txt" "$T/old.replies" "$T/new.replies"
printf '{"execute": "qmp_capabilities"}\n' >"$T/noschema.replies"
expect_exit diff/no-schema 2 diff "$T/old.replies" "$T/noschema.replies" &&
    grep_out diff/no-schema-code 'query-qmp-schema' "$ERR"
# shellcheck disable=SC2086
$QAPIC_WRAPPER "$QAPIC" diff "$T/old.replies" "$T/new.replies" >/dev/full 2>"$ERR"
status=$?
if [ "$status" -eq 2 ] && grep -q 'standard output' "$ERR"; then
    pass diff/dev-full-exit-2
else
    fail diff/dev-full-exit-2 "exit $status: $(head -n 1 "$ERR")"
fi

# A source schema with conditions: without symbols every condition holds.
cat >"$T/s.json" <<'EOF'
{ 'command': 'always', 'data': { 'a': 'str' } }
{ 'command': 'sometimes', 'if': 'CONFIG_X' }
EOF
expect_exit diff/schema-all-conditions 0 diff "$T/s.json" "$T/s.json" &&
    grep_out diff/schema-all-conditions-said 'every condition true: what some build may offer'
expect_exit diff/schema-defines 0 diff --old-define CONFIG_X --new-define CONFIG_Z "$T/s.json" "$T/s.json" &&
    grep_out diff/schema-defines-said '1 condition symbol defined'
grep_out diff/schema-defines-removed '^  breaking    sometimes: command removed$'
printf 'CONFIG_Y=y\n' >"$T/config.txt"
expect_exit diff/schema-config 0 diff --config "$T/config.txt" "$T/s.json" "$T/s.json" &&
    grep_out diff/schema-config-same '^no changes$'
expect_exit diff/conditions-ignored 0 diff --old-config "$T/config.txt" \
    "$T/old.replies" "$T/new.replies" &&
    grep_out diff/conditions-ignored-warning 'warning: .*not a source schema' "$ERR"
printf "{ 'command': 'always', 'data': { 'a': 'Nope' } }\n" >"$T/bad.json"
expect_exit diff/bad-schema 2 diff "$T/s.json" "$T/bad.json" &&
    grep_out diff/bad-schema-located 'bad\.json:1:' "$ERR"

# --- real dumps ----------------------------------------------------------------

need_corpus "diff of real dumps and schemas" || exit 0
R=$CORPUS/replies
Q=$CORPUS/qemu-10.0

# has_change NAME CLASS PATH [MESSAGE-PATTERN]: the last text output lists
# a change at PATH with class CLASS.
has_change() {
    grep_out "$1" "^  $2 +$(printf '%s' "$3" | sed 's/[][\.*^$+?(){}|]/\\&/g'): ${4:-}"
}

expect_exit diff/8.1-8.2 0 diff "$R/caps_8.1.0_x86_64.replies" "$R/caps_8.2.0_x86_64.replies" &&
    grep_out diff/8.1-8.2-versions '^QEMU 8\.1\.0 -> QEMU 8\.2\.0$'
has_change diff/8.1-8.2-migrate-channels compatible migrate/arg-type/channels "optional argument 'channels' added"
has_change diff/8.1-8.2-incoming-channels compatible migrate-incoming/arg-type/channels "optional argument 'channels' added"
has_change diff/8.1-8.2-incoming-uri-optional compatible migrate-incoming/arg-type/uri "argument 'uri' became optional"
expect_exit diff/8.1-8.2-not-breaking 0 diff --breaking "$R/caps_8.1.0_x86_64.replies" \
    "$R/caps_8.2.0_x86_64.replies"

expect_exit diff/9.0-9.1 '0|1' diff "$R/caps_9.0.0_x86_64.replies" "$R/caps_9.1.0_x86_64.replies"
has_change diff/9.0-9.1-exit-on-error compatible migrate-incoming/arg-type/exit-on-error \
    "optional argument 'exit-on-error' added"
has_change diff/9.0-9.1-deprecated-removal expected migrate/arg-type/blk "optional argument 'blk' removed \(it was deprecated\)"

# Every dump against itself.
same=0 total=0
for f in "$R"/*.replies; do
    total=$((total + 1))
    run_qapic diff --breaking "$f" "$f"
    [ "$STATUS" -eq 0 ] && [ "$(tail -n 1 "$OUT")" = "no changes" ] && same=$((same + 1))
done
check "diff/all-$total-dumps-against-themselves" test "$same" -eq "$total"

# changes_of FILE: "CHANGE PATH" lines of a JSON report (one key a line).
changes_of() {
    sed -n 's/^      "change": "\(.*\)",$/\1/p; s/^      "path": "\(.*\)",$/\1/p' "$1" |
        paste - -
}

# Two architectures of one release: every change reported is real, as
# qapic query tells on each side.
A=$R/caps_8.2.0_x86_64.replies B=$R/caps_8.2.0_aarch64.replies
expect_exit diff/arch-pair 0 diff --format=json "$A" "$B"
changes_of "$OUT" >"$T/arch.tsv"
bad=""
n=0
while IFS=$'\t' read -r change path; do
    n=$((n + 1))
    case $change in
    *-added) want_old=false want_new=true ;;
    *-removed) want_old=true want_new=false ;;
    *) bad="$bad $change:$path"; continue ;;
    esac
    run_qapic query "$A" "$path"
    got_old=$(cut -f 2 "$OUT")
    run_qapic query "$B" "$path"
    got_new=$(cut -f 2 "$OUT")
    [ "$got_old" = "$want_old" ] && [ "$got_new" = "$want_new" ] || bad="$bad $path"
done <"$T/arch.tsv"
if [ -z "$bad" ] && [ "$n" -gt 10 ]; then
    pass "diff/arch-pair-all-$n-changes-real"
else
    fail diff/arch-pair-changes-real "$n changes; not confirmed by qapic query:$bad"
fi
check diff/arch-pair-spice-events grep -q $'^entity-removed\tSPICE_CONNECTED$' "$T/arch.tsv"
check diff/arch-pair-gic grep -q $'^entity-added\tquery-gic-capabilities$' "$T/arch.tsv"

# Masking: introspection with and without real type names.
expect_exit diff/masked-unmasked 0 diff "$Q/expected/introspect-x86_64.json" \
    "$Q/expected/introspect-x86_64-unmasked.json" &&
    grep_out diff/masked-unmasked-nothing '^no changes$'
expect_exit diff/introspect-masked 0 introspect --std=qemu-10.0 \
    --config "$Q/expected/config-x86_64.txt" -o "$T/masked.json" "$Q/qapi/qapi-schema.json"
expect_exit diff/introspect-unmasked 0 introspect --std=qemu-10.0 --unmask-non-abi-names \
    --config "$Q/expected/config-x86_64.txt" -o "$T/unmasked.json" "$Q/qapi/qapi-schema.json"
expect_exit diff/own-masking 0 diff "$T/masked.json" "$T/unmasked.json" &&
    grep_out diff/own-masking-nothing '^no changes$'

# The 10.0 source against the 10.0.0 dump: exactly the backported
# delay-ns member of BlockdevInjectErrorOptions (blkdebug's inject-error),
# on either side.
for side in new old; do
    if [ $side = new ]; then
        args=(--new-config "$Q/expected/config-x86_64.txt" "$R/caps_10.0.0_x86_64.replies"
              "$Q/qapi/qapi-schema.json")
        want=member-added
    else
        args=(--old-config "$Q/expected/config-x86_64.txt" "$Q/qapi/qapi-schema.json"
              "$R/caps_10.0.0_x86_64.replies")
        want=member-removed
    fi
    expect_exit "diff/source-as-$side" '0|1' diff --std=qemu-10.0 --format=json "${args[@]}"
    changes_of "$OUT" >"$T/delay.tsv"
    others=$(grep -vcE "^$want"$'\t'"[^ ]*/\+blkdebug/inject-error/delay-ns\$" "$T/delay.tsv")
    if [ "$others" -eq 0 ] && grep -q $'\tblockdev-add/arg-type/+blkdebug/inject-error/delay-ns$' "$T/delay.tsv"; then
        pass "diff/source-as-$side-only-delay-ns"
    else
        fail "diff/source-as-$side-only-delay-ns" "$(tr '\n' ' ' <"$T/delay.tsv")"
    fi
done

# --- deliberate edits of the 10.0 schema ------------------------------------------

# edit NAME WANT FILE SED-SCRIPT [PATTERN]: applies SED-SCRIPT to FILE in
# a fresh copy of the schema, checks that it changed something, and that
# diff --breaking from the real schema exits WANT (1: breaking, 0: not)
# and, when given, prints a line matching PATTERN.
edit() {
    local name=$1 want=$2 file=$3 script=$4 pattern=${5:-}
    rm -rf "$T/edit" && cp -r "$Q/qapi" "$T/edit" && chmod -R u+w "$T/edit"
    sed -i -e "$script" "$T/edit/$file"
    if cmp -s "$Q/qapi/$file" "$T/edit/$file"; then
        fail "diff/edit/$name" "the edit changed nothing in $file"
        return
    fi
    expect_exit "diff/edit/$name" "$want" diff --breaking --std=qemu-10.0 --no-doc-checks \
        "$Q/qapi/qapi-schema.json" "$T/edit/qapi-schema.json" || return
    [ -n "$pattern" ] && grep_out "diff/edit/$name-reported" "$pattern"
}

edit removed-command 1 run-state.json "/^{ 'command': 'query-status',/,/}/d" \
    '^  breaking    query-status: command removed$'
edit new-mandatory-argument 1 migration.json \
    "s/'data': { 'capabilities': \['MigrationCapabilityStatus'\] } }/'data': { 'capabilities': ['MigrationCapabilityStatus'], 'extra': 'str' } }/" \
    "^  breaking    migrate-set-capabilities/arg-type/extra: mandatory argument 'extra' added$"
edit narrowed-argument 1 migration.json "s/'\*tls-creds': 'StrOrNull',/'*tls-creds': 'str',/" \
    '^  breaking    migrate-set-parameters/arg-type/tls-creds: type changed from alternate of string, null to string \(narrower\)$'
edit removed-input-enum-value 1 migration.json "s/'data': \['xbzrle', /'data': [/" \
    "^  breaking    migrate-set-capabilities/arg-type/capabilities/capability/\^xbzrle: enum value 'xbzrle' removed$"
edit return-member-made-optional 1 run-state.json "s/'data': {'running': 'bool',/'data': {'\*running': 'bool',/" \
    "^  breaking    query-status/ret-type/running: return member 'running' became optional$"
edit removed-return-member 1 run-state.json "s/'data': {'running': 'bool',/'data': {/" \
    "^  breaking    query-status/ret-type/running: mandatory return member 'running' removed$"
edit lost-allow-oob 1 migration.json "s/{ 'command': 'migrate-pause', 'allow-oob': true }/{ 'command': 'migrate-pause' }/" \
    "^  breaking    migrate-pause: 'allow-oob' changed from true to absent$"
edit new-optional-argument 0 migration.json \
    "s/'data': { 'capabilities': \['MigrationCapabilityStatus'\] } }/'data': { 'capabilities': ['MigrationCapabilityStatus'], '*extra': 'str' } }/" \
    "^  compatible  migrate-set-capabilities/arg-type/extra: optional argument 'extra' added$"
edit new-command 0 misc.json "\$a { 'command': 'x-probe-me', 'data': { 'n': 'int' } }" \
    '^  compatible  x-probe-me: command added$'
edit new-input-enum-value 0 migration.json "s/'dirty-limit', 'mapped-ram'\] }/'dirty-limit', 'mapped-ram', 'brand-new'] }/" \
    "^  compatible  migrate-set-capabilities/arg-type/capabilities/capability/\^brand-new: enum value 'brand-new' added$"
edit argument-made-optional 0 migration.json "s/'data': { 'capabilities': \['MigrationCapabilityStatus'\] } }/'data': { '*capabilities': ['MigrationCapabilityStatus'] } }/" \
    "^  compatible  migrate-set-capabilities/arg-type/capabilities: argument 'capabilities' became optional$"
edit removed-deprecated-command 0 block-core.json "/^{ 'command': 'drive-backup', /,/}/d" \
    '^  expected    drive-backup: command removed \(it was deprecated\)$'
edit newly-deprecated-command 0 run-state.json "s/^{ 'command': 'query-status', /{ 'command': 'query-status', 'features': ['deprecated'], /" \
    "^  notice      query-status/\\\$deprecated: feature 'deprecated' added to the command$"
