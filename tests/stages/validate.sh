# qapic validate: against a source schema (exact widths, 'gen': false,
# conditions of a build), a capability dump and introspection JSON; the
# text and JSON outputs; commands as arguments, on stdin and from logs;
# usage errors.  (The verdicts are measured against a real QEMU by the
# unit suite qemu_validate.)
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR/validate
mkdir -p "$T"

# --- a small source schema of our own -------------------------------------------

cat >"$T/s.json" <<'EOF'
{ 'pragma': { 'command-name-exceptions': [ 'qmp_capabilities' ] } }
{ 'struct': 'Sizes', 'data': { 'node': 'str', 'size': 'int', '*small': 'uint8' } }
{ 'command': 'resize', 'data': 'Sizes' }
{ 'command': 'plug', 'data': { 'driver': 'str', '*id': 'str' }, 'gen': false }
{ 'command': 'ping', 'allow-oob': true }
{ 'command': 'only-x', 'if': 'CONFIG_X' }
{ 'command': 'qmp_capabilities', 'data': { '*enable': ['str'] } }
EOF
expect_exit validate/source-valid 0 validate --schema "$T/s.json" \
    '{"execute": "resize", "arguments": {"node": "n", "size": 1, "small": 255}}' &&
    grep_out validate/source-valid-line '^<argument 1>:1: command 1 \(resize\): valid$'
expect_exit validate/source-uint8 1 validate --schema "$T/s.json" \
    '{"execute": "resize", "arguments": {"node": "n", "size": 1, "small": 256}}' &&
    grep_out validate/source-uint8-message "arguments\.small: 256 is out of the range of uint8 \(0 to 255\)" "$ERR"
expect_exit validate/source-int64 1 validate --schema "$T/s.json" \
    '{"execute": "resize", "arguments": {"node": "n", "size": 9223372036854775808}}' &&
    grep_out validate/source-int64-code 'qmp-int-range|out of the range of int64' "$ERR"
expect_exit validate/gen-false 0 validate --schema "$T/s.json" \
    '{"execute": "plug", "arguments": {"driver": "d", "drive": "x", "share-rw": true}}' &&
    grep_out validate/gen-false-said "note: arguments: arguments 'drive', 'share-rw' not described by the schema of plug"
expect_exit validate/gen-false-needs-driver 1 validate --schema "$T/s.json" \
    '{"execute": "plug", "arguments": {"drive": "x"}}'
expect_exit validate/oob 0 validate --schema "$T/s.json" '{"exec-oob": "ping", "id": 1}'
expect_exit validate/no-oob 1 validate --schema "$T/s.json" \
    '{"exec-oob": "resize", "arguments": {"node": "n", "size": 1}}' &&
    grep_out validate/no-oob-code "cannot run out of band" "$ERR"
expect_exit validate/envelope 1 validate --schema "$T/s.json" \
    '{"execute": "ping", "arguments": [], "extra": 1}'
# Conditions: all true without a build; -D and --config choose one.
expect_exit validate/cond-all-true 0 validate --schema "$T/s.json" '{"execute": "only-x"}'
expect_exit validate/cond-undefined 1 validate --schema "$T/s.json" -D CONFIG_Y \
    '{"execute": "only-x"}'
expect_exit validate/cond-defined 0 validate --schema "$T/s.json" -D CONFIG_X \
    '{"execute": "only-x"}'
printf 'CONFIG_X=y\n' >"$T/config.mak"
expect_exit validate/cond-config 0 validate --schema "$T/s.json" --config "$T/config.mak" \
    '{"execute": "only-x"}'
# QEMU's JSON dialect: single-quoted strings.
expect_exit validate/single-quotes 0 validate --schema "$T/s.json" \
    "{'execute': 'resize', 'arguments': {'node': 'n', 'size': 2}}"
expect_exit validate/bad-json 1 validate --schema "$T/s.json" '{"execute": }'

# --- output formats ---------------------------------------------------------------

printf '%s\n' '{"execute": "ping"}' \
    '{"execute": "resize", "arguments": {"node": "n", "size": "big"}}' \
    '{"execute": "plug", "arguments": {"driver": "d", "x": 1}}' >"$T/cmds.json"
run_qapic validate --schema "$T/s.json" --format=json --calls "$T/cmds.json"
check validate/json-exit test "$STATUS" -eq 1
grep_out validate/json-valid '^\{"index": 1, "file": ".*cmds\.json", "line": 1, "command": "ping", "valid": true, "problems": \[\], "notes": \[\]\}$'
grep_out validate/json-invalid '^\{"index": 2, .*"line": 2, "command": "resize", "valid": false, "problems": \[\{"path": "arguments\.size", "code": "qmp-type-mismatch", "message": "expected integer, got string"\}\]'
grep_out validate/json-note '"index": 3, .*"valid": true, "problems": \[\], "notes": \[\{"path": "arguments", "code": "qmp-unchecked-arguments"'
check validate/json-nothing-on-stderr test ! -s "$ERR"
$QAPIC_WRAPPER "$QAPIC" validate --schema "$T/s.json" - <"$T/cmds.json" >"$OUT" 2>"$ERR"
check validate/stdin-exit test $? -eq 1
grep_out validate/stdin-lines '^<stdin>:2: command 2 \(resize\): invalid, 1 problem$'
grep_out validate/stdin-problem-located '^<stdin>:2:[0-9]+: error: arguments\.size: expected integer, got string' "$ERR"

# A log: text between the messages, replies and events skipped.
cat >"$T/test.log" <<'EOF'
QA output of a test
{ 'execute': 'ping' }
{"return": {}}
=== resizing ===
{ 'execute': 'resize',
  'arguments': { 'node': 'n', 'size': 1 } }
{"event": "X", "data": {}, "timestamp": {"seconds": 1, "microseconds": 2}}
-> { "execute": "plug", "arguments": { "id": "p" } }
<- { "error": { "class": "GenericError", "desc": "Parameter 'driver' is missing" } }
EOF
run_qapic validate --schema "$T/s.json" --calls "$T/test.log"
check validate/log-exit test "$STATUS" -eq 1
check validate/log-commands test "$(grep -c ': command ' "$OUT")" -eq 3
grep_out validate/log-lines '^.*test\.log:5: command 2 \(resize\): valid$'
grep_out validate/log-arrow '^.*test\.log:8: command 3 \(plug\): invalid'

# exec-oob is a key QEMU expects only once 'oob' is enabled.
printf '%s\n' '{"execute": "qmp_capabilities"}' '{"exec-oob": "ping"}' \
    '{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}}' \
    '{"exec-oob": "ping"}' >"$T/oob.log"
run_qapic validate --schema "$T/s.json" --calls "$T/oob.log"
grep_out validate/oob-not-enabled "oob\.log:2: command 2 \(ping\): invalid, 1 problem"
grep_out validate/oob-enabled "oob\.log:4: command 4 \(ping\): valid"
grep_out validate/oob-not-enabled-why "did not enable the 'oob' capability" "$ERR"

# --- usage ------------------------------------------------------------------------

expect_exit validate/no-commands 2 validate --schema "$T/s.json"
expect_exit validate/no-schema 2 validate '{"execute": "ping"}'
expect_exit validate/bad-format 2 validate --format=xml --schema "$T/s.json" '{"execute": "ping"}'
expect_exit validate/unreadable-schema 2 validate --schema "$T/nope.json" '{"execute": "ping"}'
expect_exit validate/unreadable-log 2 validate --schema "$T/s.json" --calls "$T/nope.log"
expect_exit validate/help 0 help validate &&
    grep_out validate/help-text '^usage: qapic validate \[--schema SOURCE\]'

# --- QEMU's schema: the examples of the issue -------------------------------------------

need_corpus "validate on QEMU's schema" || exit 0
S=$CORPUS/qemu-10.0/qapi/qapi-schema.json
C=$CORPUS/qemu-10.0/expected/config-x86_64.txt
D=$CORPUS/replies/caps_10.0.0_x86_64.replies
RESIZE='{"execute": "block_resize", "arguments": {"node-name": "disk0", "size": 9223372036854775808}}'
DEVICE='{"execute": "device_add", "arguments": {"driver": "virtio-blk-pci", "drive": "drive0", "iothread": "io0", "share-rw": true, "id": "vd0"}}'

expect_exit validate/qemu-source-resize 1 validate --std=qemu-10.0 --schema "$S" --config "$C" "$RESIZE" &&
    grep_out validate/qemu-source-resize-why 'arguments\.size: 9223372036854775808 is out of the range of int64' "$ERR"
expect_exit validate/qemu-dump-resize 0 validate --schema "$D" "$RESIZE" &&
    grep_out validate/qemu-dump-resize-unknown "note: arguments\.size: the width of 'size' is not recorded in query-qmp-schema: checked as int64/uint64 only"
expect_exit validate/qemu-source-device 0 validate --std=qemu-10.0 --schema "$S" "$DEVICE" &&
    grep_out validate/qemu-source-device-note "'drive', 'iothread', 'share-rw' not described by the schema of device_add \(the command is declared 'gen': false"
expect_exit validate/qemu-dump-device 0 validate --schema "$D" "$DEVICE" &&
    grep_out validate/qemu-dump-device-note "query-qmp-schema does not record"
expect_exit validate/qemu-introspection 0 validate \
    --schema "$CORPUS/qemu-10.0/expected/introspect-x86_64-unmasked.json" "$RESIZE"
{ printf '{"return": '; cat "$CORPUS/qemu-10.0/expected/introspect-x86_64.json"; printf '}\n'; } >"$T/reply.json"
expect_exit validate/qemu-introspection-reply 0 validate --schema "$T/reply.json" "$DEVICE"
expect_exit validate/qemu-build-ignored 0 validate --schema "$D" -D CONFIG_X "$DEVICE" &&
    grep_out validate/qemu-build-ignored-warning 'validate-build-ignored|not a source schema' "$ERR"
# A dump's own calls against its own schema, and against the source.
expect_exit validate/qemu-dump-own-schema 0 validate --calls "$D"
expect_exit validate/qemu-dump-on-source 0 validate --std=qemu-10.0 --schema "$S" --config "$C" --calls "$D"
# The old spelling.
expect_exit validate/replies-synonym 1 replies validate "$D" "$RESIZE" '{"execute": "nope"}' &&
    grep_out validate/replies-synonym-unknown "unknown command 'nope'" "$ERR"
