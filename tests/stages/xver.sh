# Other QEMU and libvirt versions than those of the corpus: dumps of QEMU
# before 6.2 (enums with "values" only), the layout of older libvirt
# releases (empty containers over two lines), QEMU before 2.5 (no
# query-qmp-schema), development snapshots (X.Y.50), dumps under other
# names, schemas with CRLF line ends and with doc comments of older
# releases.  All inputs are written here.
. "$TOP/tests/stages/lib.sh"

D=$TMPDIR/xver
rm -rf "$D" && mkdir -p "$D"

# dump VERSION(major minor micro) SCHEMA-REPLY: a canonical dump of
# qmp_capabilities, query-version and (when given) query-qmp-schema.
dump() {
    local major=$1 minor=$2 micro=$3 schema=${4:-}
    cat <<EOF
{
  "execute": "qmp_capabilities",
  "id": "libvirt-1"
}

{
  "return": {},
  "id": "libvirt-1"
}

{
  "execute": "query-version",
  "id": "libvirt-2"
}

{
  "return": {
    "qemu": {
      "micro": $micro,
      "minor": $minor,
      "major": $major
    },
    "package": ""
  },
  "id": "libvirt-2"
}
EOF
    [ -n "$schema" ] || return 0
    cat <<EOF

{
  "execute": "query-qmp-schema",
  "id": "libvirt-3"
}

$schema
EOF
}

# A schema reply as QEMU before 6.2 gave it: the enum has "values" only.
OLD_SCHEMA='{
  "return": [
    {
      "name": "qmp_capabilities",
      "ret-type": "0",
      "meta-type": "command",
      "arg-type": "0"
    },
    {
      "name": "query-version",
      "ret-type": "any",
      "meta-type": "command",
      "arg-type": "0"
    },
    {
      "name": "query-qmp-schema",
      "ret-type": "any",
      "meta-type": "command",
      "arg-type": "0"
    },
    {
      "name": "migrate-set-mode",
      "ret-type": "0",
      "meta-type": "command",
      "arg-type": "1"
    },
    {
      "name": "0",
      "members": [],
      "meta-type": "object"
    },
    {
      "name": "1",
      "members": [
        {
          "name": "mode",
          "type": "2"
        },
        {
          "name": "uri",
          "default": null,
          "type": "str"
        }
      ],
      "meta-type": "object"
    },
    {
      "name": "2",
      "meta-type": "enum",
      "values": [
        "normal",
        "cpr-reboot"
      ]
    },
    {
      "name": "str",
      "json-type": "string",
      "meta-type": "builtin"
    },
    {
      "name": "any",
      "json-type": "value",
      "meta-type": "builtin"
    }
  ],
  "id": "libvirt-3"
}'

dump 6 1 0 "$OLD_SCHEMA" >"$D/caps_6.1.0_x86_64.replies"
canon=$D/caps_6.1.0_x86_64.replies

# --- enums with "values" only (QEMU < 6.2) --------------------------------

expect_exit values/check 0 replies check --check-returns "$canon"
run_qapic query "$canon" 'migrate-set-mode/arg-type/mode/^cpr-reboot' \
    'migrate-set-mode/arg-type/mode/^nosuch' 'migrate-set-mode/arg-type/*uri'
if [ "$STATUS" = 1 ] && [ "$(cut -f2 "$OUT" | tr '\n' ' ')" = "true false true " ]; then
    pass values/query
else
    fail values/query "status $STATUS: $(tr '\n' ' ' <"$OUT") $(head -n 1 "$ERR")"
fi
expect_exit values/validate-ok 0 replies validate "$canon" \
    '{"execute": "migrate-set-mode", "arguments": {"mode": "cpr-reboot"}}'
expect_exit values/validate-bad 1 replies validate "$canon" \
    '{"execute": "migrate-set-mode", "arguments": {"mode": "fast"}}' &&
    grep_out values/validate-bad-message "not a value of this enum" "$ERR"

cat >"$D/rules.yaml" <<'EOF'
client: test
rules:
  - id: mode.cpr-reboot
    command: migrate-set-mode
    arguments: [mode/^cpr-reboot]
  - id: mode.cpr-exec
    command: migrate-set-mode
    arguments: [mode/^cpr-exec]
    max-version: '6.0'
EOF
run_qapic compat --rules "$D/rules.yaml" --format=tsv "$canon"
grep_out values/compat-ok $'\tmode.cpr-reboot\tok\t'
grep_out values/compat-missing $'\tmode.cpr-exec\tmissing-member\tno\t'
check values/compat-status test "$STATUS" = 0

# --- the layout of older libvirt releases --------------------------------

# Empty containers over two lines, as libvirt's yajl-based writer did.
sed -e 's/^  "return": {},$/  "return": {\n  },/' \
    -e 's/^      "members": \[\],$/      "members": [\n      ],/' \
    "$canon" >"$D/old.replies"
expect_exit oldfmt/check 1 replies check "$D/old.replies" &&
    grep_out oldfmt/check-message \
        ':7:13: error: entry 2, .*empty object written over two lines.*expected `  "return": \{\},`' "$ERR" &&
    grep_out oldfmt/check-array "empty array written over two lines" "$ERR"
expect_exit oldfmt/fix-check 1 replies fix --check "$D/old.replies"
expect_exit oldfmt/fix 0 replies fix "$D/old.replies"
check oldfmt/fixed-is-canonical cmp -s "$D/old.replies" "$canon"
expect_exit oldfmt/check-after-fix 0 replies check "$D/old.replies"

# --- dumps without query-qmp-schema --------------------------------------

dump 2 4 0 >"$D/caps_2.4.0_x86_64.replies"
expect_exit noschema/qemu-2.4 0 replies check "$D/caps_2.4.0_x86_64.replies" &&
    grep_out noschema/qemu-2.4-warning "warning: QEMU 2.4 predates query-qmp-schema" "$ERR"
dump 9 2 0 >"$D/caps_9.2.0_x86_64.replies"
expect_exit noschema/qemu-9.2 1 replies check "$D/caps_9.2.0_x86_64.replies" &&
    grep_out noschema/qemu-9.2-error "error: no successful reply to query-qmp-schema" "$ERR"
expect_exit noschema/query 2 query "$D/caps_9.2.0_x86_64.replies" query-version

# --- development snapshots and max-version --------------------------------

dump 6 0 50 "$OLD_SCHEMA" >"$D/caps_6.0.50.replies"
dump 6 0 1 "$OLD_SCHEMA" >"$D/caps_6.0.1.replies"
run_qapic compat --rules "$D/rules.yaml" --format=tsv "$D/caps_6.0.50.replies"
grep_out snapshot/version $'/caps_6.0.50.replies\t6.0.50\tmode.cpr-exec\tmissing-member\tno\t'
check snapshot/outside-max test "$STATUS" = 0
run_qapic compat --rules "$D/rules.yaml" --format=tsv "$D/caps_6.0.1.replies"
grep_out stable/inside-max $'/caps_6.0.1.replies\t6.0.1\tmode.cpr-exec\tmissing-member\tyes\t'
check stable/counted test "$STATUS" = 1

# --- dumps under other names, single QMP replies --------------------------

cp "$canon" "$D/dump.json"
run_qapic query "$D/dump.json" 'migrate-set-mode/arg-type/mode/^normal'
check other-name/query test "$STATUS" = 0
run_qapic compat --rules "$D/rules.yaml" --format=tsv "$D/dump.json"
grep_out other-name/compat-version $'/dump.json\t6.1.0\tmode.cpr-reboot\tok\t'
printf '%s\n' "$OLD_SCHEMA" >"$D/reply.json"
run_qapic query "$D/reply.json" 'migrate-set-mode/arg-type/mode/^normal'
check qmp-reply/query test "$STATUS" = 0

# --- schemas: CRLF line ends, doc comments of older releases --------------

cat >"$D/s.json" <<'EOF'
##
# = Test
##

##
# @Mode:
#
# How to migrate.
#
# @normal: the usual way
#
# @fast: quicker
#
# Since: 9.1
##
{ 'enum': 'Mode', 'data': [ 'normal', 'fast' ] }

##
# @set-mode:
#
# Sets the mode.
#
# @mode: the mode
#
# Since: 9.1
##
{ 'command': 'set-mode', 'data': { 'mode': 'Mode' } }
EOF
sed 's/$/\r/' "$D/s.json" >"$D/crlf.json"
expect_exit crlf/check 0 check --std=qemu-10.0 "$D/crlf.json"
expect_exit crlf/check-10.2 0 check "$D/crlf.json"
run_qapic introspect "$D/s.json"
cp "$OUT" "$D/lf.out"
run_qapic introspect "$D/crlf.json"
check crlf/introspect cmp -s "$OUT" "$D/lf.out"
# A syntax error is located on the same line with either line end.
printf "{ 'enum': 'E',\r\n  'data': [ 'a' ] }\r\n{ 'struct' }\r\n" >"$D/crlf-bad.json"
expect_exit crlf/located 1 check "$D/crlf-bad.json" &&
    grep_out crlf/located-line "crlf-bad.json:3:12: error" "$ERR"

# 9.x style: "Note:" sections, which QEMU 10 rejects.
cat >"$D/old-doc.json" <<'EOF'
##
# @Mode:
#
# How to migrate.
#
# @normal: the usual way
#
# @fast: quicker
#
# Note: fast is not always quicker.
#
# Since: 9.1
##
{ 'enum': 'Mode', 'data': [ 'normal', 'fast' ] }

##
# @set-mode:
#
# Sets the mode.
#
# @mode: the mode
#
# Since: 9.1
##
{ 'command': 'set-mode', 'data': { 'mode': 'Mode' } }
EOF
expect_exit old-doc/check 1 check "$D/old-doc.json"
expect_exit old-doc/no-doc-checks 0 check --no-doc-checks "$D/old-doc.json"
expect_exit old-doc/introspect-hint 1 introspect "$D/old-doc.json" &&
    grep_out old-doc/introspect-hint-note "note: .*--no-doc-checks" "$ERR"
expect_exit old-doc/query-hint 2 query "$D/old-doc.json" set-mode &&
    grep_out old-doc/query-hint-note "note: .*--no-doc-checks" "$ERR"
run_qapic query --no-doc-checks "$D/old-doc.json" 'set-mode/arg-type/mode/^fast'
check old-doc/query test "$STATUS" = 0
