# Limits of every input (doc/qapic.1, LIMITS): size (files, streams,
# standard input), nesting in every dialect, include depth, inheritance,
# and the sizes, depths, nodes and anchors of rule files (YAML).  An input
# beyond one is refused with a located error and exit 2, before the slow
# part of reading it.  Timings are for "make bench" (bench/limits.sh); the
# timeouts here only keep a regression from hanging the suite.
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR/ilim
rm -rf "$T"
mkdir -p "$T"

# run_limited ARGS...: run_qapic with a guard against hangs.
run_limited() {
    # shellcheck disable=SC2086
    timeout 120 $QAPIC_WRAPPER "$QAPIC" "$@" >"$OUT" 2>"$ERR" </dev/null
    STATUS=$?
}

# refused NAME CODE WHERE ARGS...: qapic ARGS exits 2 with an error CODE
# located at WHERE (a regular expression of FILE:LINE:COL).
refused() {
    local name=$1 code=$2 where=$3
    shift 3
    run_limited "$@" --diag-format=json
    grep_out "input limits: $name code" "\"code\": \"$code\"" "$ERR"
    run_limited "$@"
    if [ "$STATUS" -ne 2 ]; then
        fail "input limits: $name" "expected exit 2, got $(describe_status "$STATUS"): $(head -n 1 "$ERR")"
        return
    fi
    pass "input limits: $name"
    grep_out "input limits: $name located" "^$where: error: " "$ERR"
}

gen() { python3 -c "$1" >"$2"; }
if ! command -v python3 >/dev/null 2>&1; then
    skip "input limits" "no python3 to write the inputs"
    exit 0
fi

# --- size ------------------------------------------------------------------------

# Sparse files: refused from their size alone, before they are read.  One
# between 2 and 4 GiB once ended in flex's "end of buffer missed".
truncate -s 3G "$T/huge.json"
refused "a 3 GiB schema" input-too-large "$T/huge.json:1:1" parse "$T/huge.json"
grep_out "input limits: size message" \
    "has 3221225472 bytes, more than the limit of 256 MiB" "$ERR"
refused "a 3 GiB schema, the limit at its ceiling" input-too-large "$T/huge.json:1:1" \
    check --max-input-size=1G "$T/huge.json"
cp "$T/huge.json" "$T/huge.replies"
refused "a 3 GiB dump" input-too-large "$T/huge.replies:1:1" replies check "$T/huge.replies"
refused "a 3 GiB QMP log" input-too-large "$T/huge.json:1:1" validate --calls "$T/huge.json"
if command -v strace >/dev/null 2>&1; then
    strace -f -qq -e trace=read -e read=none -o "$T/trace" \
        "$QAPIC" parse "$T/huge.json" >/dev/null 2>&1
    check "input limits: a file known too large is not read" \
        test -z "$(grep -E 'read\([0-9]+, .*= [0-9]{6,}' "$T/trace")"
else
    skip "input limits: not read" "no strace"
fi

# Included files too.
truncate -s 300M "$T/big.json"
printf "{ 'include': 'big.json' }\n" >"$T/incbig.json"
refused "an included file over the limit" input-too-large "$T/big.json:1:1" check "$T/incbig.json"
grep_out "input limits: included from" "^In file included from $T/incbig.json:1" "$ERR"

# Streams are read up to the limit, then refused at the first byte past it
# (the column counts characters: a tab moves to the next multiple of 8).
refused "/dev/zero" input-too-large "/dev/zero:1:1048577" \
    parse --max-input-size=1M /dev/zero
grep_out "input limits: stream message" "goes on past the limit of 1 MiB" "$ERR"
mkfifo "$T/pipe.json"
# (refused reads it twice: once for the code, once for the location).
# Each writer offers more than a pipe holds, so it is still writing when
# qapic stops at the limit and ends with that reader: the second writer
# can only meet the second qapic.
for _ in 1 2; do
    { printf '[\n\t1,\n'; head -c 1000000 /dev/zero | tr '\0' ' '; } >"$T/pipe.json" 2>/dev/null
done &
refused "a pipe" input-too-large "$T/pipe.json:3:[0-9]+" \
    parse --dialect=json --max-input-size=1000 "$T/pipe.json"
wait
grep_out "input limits: a pipe at the offset reached" "pipe.json:3:995: " "$ERR"
printf "{ 'struct': 'Abc', 'data': {} }\n" >"$T/small.json"
yes '{"execute": "qmp_capabilities"}' 2>/dev/null |
    timeout 120 $QAPIC_WRAPPER "$QAPIC" validate --max-input-size=64K \
        --schema "$T/small.json" - >"$OUT" 2>"$ERR"
STATUS=$?
check "input limits: endless standard input: exit 2" test "$STATUS" -eq 2
grep_out "input limits: endless standard input: located" \
    "^<stdin>:[0-9]+:[0-9]+: error: the input goes on past the limit of 65536 bytes" "$ERR"

# A stream is held once in memory, not about twice (a buffer grown by
# doubling, then copied).  Not under a wrapper or a sanitizer (their own
# memory).
peak_kb() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys
head = subprocess.Popen(['head', '-c', '100M', '/dev/zero'], stdout=subprocess.PIPE)
subprocess.run(sys.argv[1:], stdin=head.stdout, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
head.stdout.close()
head.wait()
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
if [ -z "$QAPIC_WRAPPER" ] && [ -z "${SAN_FLAGS:-}" ]; then
    kb=$(peak_kb "$QAPIC" parse /dev/stdin)
    check "input limits: a 100 MiB stream peaks below 1.5 times its size ($kb KB)" \
        test "$kb" -lt $((150 * 1024))
else
    skip "input limits: the memory of a stream" "not measured under ${QAPIC_WRAPPER:-$SAN_FLAGS}"
fi

# Dense inputs, the most values a byte can make, take less than ten
# times their size at their peak, in every reader: JSON, dumps (the
# canonical fast reader, the grammar, the canonical rendering compared
# and rewritten a piece at a time), QMP logs.  Each value was 40 bytes
# and more (a pointer to a value of 32), and a non-canonical dump was
# rendered whole to be compared: 17 to 27 times.
peak_of() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
# dense NAME FILE ARGS...: qapic ARGS peaks below ten times FILE's size
# (DENSE_TIMES times, when set).
dense() {
    local name=$1 file=$2 times=${DENSE_TIMES:-10}
    shift 2
    local kb bytes
    kb=$(peak_of "$QAPIC" "$@")
    bytes=$(stat -c %s "$file")
    check "input limits: $name peaks below $times times its size ($kb KB for $bytes bytes)" \
        test "$((kb * 1024))" -lt "$((times * bytes))"
}
if [ -z "$QAPIC_WRAPPER" ] && [ -z "${SAN_FLAGS:-}" ]; then
    python3 - "$T" <<'PY'
import sys
d = sys.argv[1]
zeros = ','.join(['0'] * 4000000)
with open(d + '/zeros.json', 'w') as f:
    f.write('[' + zeros + ']\n')
with open(d + '/compact.replies', 'w') as f:
    f.write('{"execute":"qmp_capabilities","id":"libvirt-1"}\n\n'
            '{"return":{},"id":"libvirt-1"}\n\n'
            '{"execute":"query-x","id":"libvirt-2"}\n\n'
            '{"return":[' + zeros + '],"id":"libvirt-2"}\n')
with open(d + '/canonical.replies', 'w') as f:
    f.write('{\n  "execute": "qmp_capabilities",\n  "id": "libvirt-1"\n}\n\n'
            '{\n  "return": {\n  },\n  "id": "libvirt-1"\n}\n\n'
            '{\n  "execute": "query-x",\n  "id": "libvirt-2"\n}\n\n'
            '{\n  "return": [\n' + ',\n'.join(['    0'] * 2000000)
            + '\n  ],\n  "id": "libvirt-2"\n}\n')
with open(d + '/zeros.log', 'w') as f:
    f.write('{"execute": "x", "arguments": {"a": [' + zeros + ']}}\n')
with open(d + '/keys.json', 'w') as f:
    f.write('{' + ','.join(['"":0'] * 2000000) + '}\n')
with open(d + '/stream.json', 'w') as f:
    f.write('0\n' * 4000000)
with open(d + '/empties.replies', 'w') as f:
    f.write('{\n}\n\n' * 1000000)
with open(d + '/commands.json', 'w') as f:
    f.write(''.join("{ 'command': 'c%d' }\n" % i for i in range(500000)))
PY
    dense "a JSON array of zeros" "$T/zeros.json" parse --dialect=json "$T/zeros.json"
    dense "a JSON object of empty keys" "$T/keys.json" parse --dialect=json "$T/keys.json"
    dense "a dump of zeros, compact" "$T/compact.replies" replies check "$T/compact.replies"
    dense "a dump of zeros, compact (fix --check)" "$T/compact.replies" replies fix --check "$T/compact.replies"
    cp "$T/compact.replies" "$T/fixed.replies"
    dense "a dump of zeros, compact (fix)" "$T/compact.replies" replies fix "$T/fixed.replies"
    run_limited replies fix --check "$T/fixed.replies"
    check "input limits: the dump of zeros rewritten a piece at a time is canonical" \
        test "$STATUS" -eq 0
    dense "a dump of zeros, canonical" "$T/canonical.replies" replies check "$T/canonical.replies"
    dense "a QMP log of zeros" "$T/zeros.log" validate --schema "$T/small.json" --calls "$T/zeros.log"
    # A stream of top-level values: each was an item pointing to a copy of
    # it, items copied once more at the end (25 times).
    dense "a JSON stream of zeros" "$T/stream.json" parse --dialect=stream "$T/stream.json"
    dense "a QMP log of top-level zeros" "$T/stream.json" validate --schema "$T/small.json" --calls "$T/stream.json"
    # A dump of nothing but empty entries (5 bytes each): an entry is 48
    # bytes and its value 16 (they were 64 and copied once more: 30 times).
    DENSE_TIMES=20 dense "a dump of empty entries" "$T/empties.replies" \
        replies check "$T/empties.replies"
    # A schema of nothing but the smallest definitions: each cost some
    # 330 bytes (14 times), and its introspection held its tree and text
    # whole (30 times).
    dense "a schema of the smallest commands" "$T/commands.json" check "$T/commands.json"
    dense "a schema of the smallest commands, introspected" "$T/commands.json" \
        introspect -o /dev/null "$T/commands.json"
    rm -f "$T"/zeros.* "$T"/*.replies "$T/keys.json" "$T/stream.json" "$T/commands.json"
else
    skip "input limits: the memory of dense inputs" "not measured under ${QAPIC_WRAPPER:-$SAN_FLAGS}"
fi

# Exactly at the limit is within it.
head -c 99 /dev/zero | tr '\0' ' ' >"$T/at.json"
echo >>"$T/at.json"
run_qapic parse --max-input-size=100 "$T/at.json"
check "input limits: a file of exactly the limit is read" test "$STATUS" -eq 0
refused "a byte over" input-too-large "$T/at.json:1:1" parse --max-input-size=99 "$T/at.json"
for bad in 2G -1 10X 1KB ''; do
    expect_exit "input limits: --max-input-size='$bad' refused" 2 parse --max-input-size="$bad" "$T/at.json"
done
grep_out "input limits: the bad size named" "max-input-size needs a size" "$ERR"

# --- nesting ---------------------------------------------------------------------

gen "print('[' * 100000)" "$T/deep.json"
refused "100,000 nested [ in a schema" syntax-too-deep "$T/deep.json:1:1001" check "$T/deep.json"
gen "print(\"{'struct': 'A', 'data': \" + \"{'a': \" * 100000)" "$T/deepobj.json"
refused "100,000 nested { in a schema" syntax-too-deep "$T/deepobj.json:1:[0-9]+" check "$T/deepobj.json"
gen "print('{\"execute\": \"x\", \"arguments\": ' + '{\"a\": ' * 100000)" "$T/deep.log"
refused "100,000 nested { in a QMP log" syntax-too-deep "$T/deep.log:1:[0-9]+" \
    validate --schema "$T/small.json" --calls "$T/deep.log"
gen "print('{\"execute\": \"query-version\"}\n\n{\"return\": ' + '[' * 100000)" "$T/deep.replies"
refused "100,000 nested [ in a dump" syntax-too-deep "$T/deep.replies:3:[0-9]+" replies check "$T/deep.replies"
# 1000 levels are not too deep.
gen "print('[' * 1000 + ']' * 1000)" "$T/d1000.json"
run_qapic parse --dialect=json "$T/d1000.json"
check "input limits: 1000 levels are within the limit" test "$STATUS" -eq 0

# --- includes --------------------------------------------------------------------

# f0.json includes f1.json, ... each holding a struct.
chain() {
    local dir=$1 n=$2
    mkdir -p "$dir"
    python3 - "$dir" "$n" <<'EOF'
import sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open('%s/f%d.json' % (d, i), 'w') as f:
        if i + 1 < n:
            f.write("{ 'include': 'f%d.json' }\n" % (i + 1))
        f.write("{ 'struct': 'Sx%d', 'data': { 'a': 'int' } }\n" % i)
EOF
}
chain "$T/inc1000" 1000
run_limited check "$T/inc1000/f0.json"
check "input limits: includes 1000 files deep" test "$STATUS" -eq 0
chain "$T/inc1001" 1001
refused "includes 1001 files deep" qapi-include-too-deep "$T/inc1001/f999.json:1:1" \
    check "$T/inc1001/f0.json"
# A file included again and again is read once; a loop is still one.
gen "print(\"{ 'include': 'small.json' }\n\" * 100000)" "$T/again.json"
run_limited check "$T/again.json"
check "input limits: one file included 100,000 times" test "$STATUS" -eq 0
printf "{ 'include': 'loop2.json' }\n" >"$T/loop1.json"
printf "{ 'include': 'loop1.json' }\n" >"$T/loop2.json"
run_qapic check "$T/loop1.json"
grep_out "input limits: a loop is found" "loop2.json:1:1: error: including 'loop1.json' here closes an inclusion loop" "$ERR"

# --- inheritance -----------------------------------------------------------------

# Sx1 based on Sx0, and so on: Sx(K) holds K + 1 members, and the checks
# pass 4,000,000 members at Sx2827.
gen "
print(\"{ 'struct': 'Sx0', 'data': { 'm0': 'int' } }\")
for i in range(1, 100000):
    print(\"{ 'struct': 'Sx%d', 'base': 'Sx%d', 'data': { 'm%d': 'int' } }\" % (i, i - 1, i))" "$T/chain.json"
refused "a base chain of 100,000 structs" schema-too-large "$T/chain.json:2828:1" check "$T/chain.json"
# Defined the other way round, the checks nest.
gen "
for i in range(5000):
    print(\"{ 'struct': 'Sx%d', 'base': 'Sx%d', 'data': { 'm%d': 'int' } }\" % (i, i + 1, i))
print(\"{ 'struct': 'Sx5000', 'data': { 'z': 'int' } }\")" "$T/rchain.json"
refused "a base chain checked from its far end" schema-too-deep "$T/rchain.json:[0-9]+:1" check "$T/rchain.json"
# One struct of 20,000 members as the branch of 1000 unions.
gen "
print(\"{ 'enum': 'En', 'data': ['a'] }\")
print(\"{ 'struct': 'Big', 'data': {\" + ', '.join(\"'m%d': 'int'\" % i for i in range(20000)) + '} }')
for i in range(1000):
    print(\"{ 'union': 'Ux%d', 'base': { 't': 'En' }, 'discriminator': 't', 'data': { 'a': 'Big' } }\" % i)" "$T/fan.json"
refused "a large branch in 1000 unions" schema-too-large "$T/fan.json:[0-9]+:1" check "$T/fan.json"
# Within the limits: a chain of 2000, introspected.
{ head -n 2000 "$T/chain.json"; echo "{ 'command': 'cx', 'data': 'Sx1999' }"; } >"$T/chain2000.json"
run_limited introspect "$T/chain2000.json"
check "input limits: a base chain of 2000 structs is checked" test "$STATUS" -eq 0
check "input limits: ... and introspected whole" grep -q '"name": "m1999"' "$OUT"

# --- many keys -------------------------------------------------------------------

gen "print(\"{ 'struct': 'Abc', 'data': {\" + ', '.join(\"'m%d': 'int'\" % i for i in range(100000)) + \", 'm99999': 'int' } }\")" "$T/keys.json"
run_limited check "$T/keys.json"
check "input limits: 100,000 keys and a duplicate: exit 1" test "$STATUS" -eq 1
grep_out "input limits: the duplicate key found" "keys\.json:1:[0-9]+: error: key 'm99999' appears twice in this object" "$ERR"

# --- rule files (YAML) -----------------------------------------------------------
# Size, nesting depth, nodes (aliases counted at the size of what they
# repeat), anchors: checked by the rule loader as libyaml reads them.

R=$T/rules
mkdir -p "$R"
printf '{"execute": "qmp_capabilities"}\n' >"$R/one.log"

# refused_rules NAME FILE CODE WHERE: compat refuses rule file FILE with
# exit 2 and the code CODE, located at WHERE (a regular expression of
# LINE:COL).
refused_rules() {
    refused "rules: $1" "$3" "$2:$4" compat --rules "$2" --calls "$R/one.log"
}

# --- rule files (YAML): nesting --------------------------------------------------

gen "print('rules: ' + '[' * 100000)" "$R/deep.yaml"
refused_rules "100,000 nested [" "$R/deep.yaml" rules-too-deep '1:39'
gen "print('rules: ' + '{a: ' * 100000)" "$R/deepmap.yaml"
refused_rules "100,000 nested {" "$R/deepmap.yaml" rules-too-deep '1:[0-9]+'
gen "print('rules:\n' + ''.join(' ' * i + '- \n' for i in range(2, 2000, 2)))" "$R/deepblock.yaml"
refused_rules "nested block lists" "$R/deepblock.yaml" rules-too-deep '[0-9]+:[0-9]+'
# 32 levels (the top mapping and 31 lists) are fine as far as depth goes.
gen "print('rules: ' + '[' * 31 + ']' * 31)" "$R/d32.yaml"
run_qapic compat --diag-format=json --rules "$R/d32.yaml" --calls "$R/one.log"
check "input limits: rules: 32 levels are not too deep" test "$STATUS" -eq 2 -a -z "$(grep rules-too-deep "$ERR")"
gen "print('rules: ' + '[' * 32 + ']' * 32)" "$R/d33.yaml"
refused_rules "33 levels" "$R/d33.yaml" rules-too-deep '1:39'

# --- rule files (YAML): size -----------------------------------------------------

# A sparse file: refused from its size alone, before it is read.
truncate -s 17M "$R/huge.yaml"
refused_rules "a file over 16 MiB" "$R/huge.yaml" rules-too-large '1:1'
grep_out "input limits: rules: size message" "has 17825792 bytes, more than the limit of 16 MiB" "$ERR"
if command -v strace >/dev/null 2>&1; then
    strace -f -qq -e trace=read -e read=none -o "$R/trace" \
        "$QAPIC" compat --rules "$R/huge.yaml" --calls "$R/one.log" >/dev/null 2>&1
    check "input limits: rules: a file known too large is not read" \
        test -z "$(grep -E 'read\([0-9]+, .*= [0-9]{6,}' "$R/trace")"
else
    skip "input limits: rules: not read" "no strace"
fi
# Through a pipe, the size is seen once read.
mkfifo "$R/pipe.yaml"
{ printf 'rules: []\n'; head -c 17M /dev/zero | tr '\0' '#'; } >"$R/pipe.yaml" 2>/dev/null &
run_limited compat --diag-format=json --rules "$R/pipe.yaml" --calls "$R/one.log"
wait
check "input limits: rules: a stream over 16 MiB: exit 2" test "$STATUS" -eq 2
grep_out "input limits: rules: a stream over 16 MiB: located, coded" \
    '"file": ".*pipe\.yaml", "line": 1, "column": 1, "severity": "error", "code": "rules-too-large"' "$ERR"

# --- rule files (YAML): nodes, aliases and anchors -------------------------------

# The billion laughs: seven lines standing for ten million nodes.
gen "
print('a0: &a0 [x, x, x, x, x, x, x, x, x, x]')
for i in range(1, 7):
    print('a%d: &a%d [' % (i, i) + ', '.join(['*a%d' % (i - 1)] * 10) + ']')
print('rules:\n  - {id: r, command: c, arguments: *a6}')" "$R/laughs.yaml"
refused_rules "aliases standing for 10,000,000 nodes" "$R/laughs.yaml" rules-too-large '6:[0-9]+'
# 20,000 aliases of one rule of 20,000 arguments (270 KB): 400,000,000.
gen "
print('base: &r {id: r, command: qmp_capabilities, arguments: [%s]}' % ', '.join('p%d' % i for i in range(20000)))
print('rules: [' + ', '.join(['*r'] * 20000) + ']')" "$R/quad.yaml"
refused_rules "20,000 aliases of a large rule" "$R/quad.yaml" rules-too-large '2:[0-9]+'
gen "print('rules: [' + 'a,' * 500001 + ']')" "$R/nodes.yaml"
refused_rules "500,001 nodes" "$R/nodes.yaml" rules-too-large '1:[0-9]+'
gen "print('rules: [' + ', '.join('&a%d x' % i for i in range(1001)) + ']')" "$R/anchors.yaml"
refused_rules "1,001 anchors" "$R/anchors.yaml" rules-too-large '1:[0-9]+'
# Anchors and aliases within the limits work as YAML says.
printf 'x: &args [a, b]\nrules:\n  - {id: r1, command: qmp_capabilities, arguments: *args}\n  - {id: r2, command: qmp_capabilities, arguments: *args}\n' >"$R/alias.yaml"
run_qapic compat --rules "$R/alias.yaml" --calls "$R/one.log"
check "input limits: rules: aliases within the limits" grep -q "unknown key 'x'" "$ERR"

# --- rule files (YAML): large but within the limits: read, and located exactly ---

# 100,000 keys in one mapping; 40,000 rules on one line (with a non-ASCII
# character before them, so that columns count characters).
gen "
print('rules:\n  - id: r\n    command: qmp_capabilities\n    arguments:')
for i in range(100000):
    print('      p%d: string' % i)
print('      p99999: string')" "$R/keys.yaml"
run_limited compat --rules "$R/keys.yaml" --calls "$R/one.log"
check "input limits: rules: 100,000 keys: exit 2" test "$STATUS" -eq 2
grep_out "input limits: rules: 100,000 keys: the duplicate found" "keys\.yaml:100005:7: error: key 'p99999' appears twice" "$ERR"
grep_out "input limits: rules: 100,000 keys: its first appearance" "keys\.yaml:100004:7: note: first appearance" "$ERR"
line="import sys; sys.stdout.write('rules: [{id: \"\u00e9\u20ac\", command: x}, ' + ', '.join('{id: r%d, command: qmp_capabilities}' % (i % 40000) for i in range(40001)) + ']')"
gen "$line; print()" "$R/line.yaml"
run_limited compat --rules "$R/line.yaml" --calls "$R/one.log"
col=$(python3 -c "
import io, contextlib
f = io.StringIO()
with contextlib.redirect_stdout(f):
    exec(open('/dev/stdin').read())
print(f.getvalue().rindex('r0,') + 1)" <<<"$line")
check "input limits: rules: 40,000 rules on a line: exit 2" test "$STATUS" -eq 2
grep_out "input limits: rules: 40,000 rules on a line: duplicate located by column" \
    "line\.yaml:1:$col: error: duplicate rule id 'r0'" "$ERR"
