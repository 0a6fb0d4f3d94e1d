# Limits of the inputs (doc/qapic.1, LIMITS): an input beyond one is
# refused with a located error and exit 2, before the slow part of reading
# it.  Rule files (YAML): size, nesting depth, nodes (aliases counted at the
# size of what they repeat), anchors.  Timings are for "make bench"
# (bench/limits.sh); the timeout here only keeps a regression from hanging
# the suite.
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR/lim
rm -rf "$T"
mkdir -p "$T"
printf '{"execute": "qmp_capabilities"}\n' >"$T/one.log"

# refused NAME FILE CODE WHERE: compat refuses rule file FILE with exit 2
# and the code CODE, located at WHERE (a regular expression of LINE:COL).
refused() {
    local name=$1 file=$2 code=$3 where=$4
    run_qapic_limited compat --rules "$file" --calls "$T/one.log"
    if [ "$STATUS" -ne 2 ]; then
        fail "limits: $name" "expected exit 2, got $(describe_status "$STATUS"): $(head -n 1 "$ERR")"
        return
    fi
    pass "limits: $name"
    grep_out "limits: $name located" "^$file:$where: error: " "$ERR"
    run_qapic_limited compat --diag-format=json --rules "$file" --calls "$T/one.log"
    grep_out "limits: $name code" "\"code\": \"$code\"" "$ERR"
}

# run_qapic_limited ARGS...: run_qapic with a guard against hangs.
run_qapic_limited() {
    # shellcheck disable=SC2086
    timeout 120 $QAPIC_WRAPPER "$QAPIC" "$@" >"$OUT" 2>"$ERR" </dev/null
    STATUS=$?
}

gen() { python3 -c "$1" >"$2"; }
if ! command -v python3 >/dev/null 2>&1; then
    skip "limits: rule files" "no python3 to write the inputs"
    exit 0
fi

# --- nesting -------------------------------------------------------------------

gen "print('rules: ' + '[' * 100000)" "$T/deep.yaml"
refused "100,000 nested [" "$T/deep.yaml" rules-too-deep '1:39'
gen "print('rules: ' + '{a: ' * 100000)" "$T/deepmap.yaml"
refused "100,000 nested {" "$T/deepmap.yaml" rules-too-deep '1:[0-9]+'
gen "print('rules:\n' + ''.join(' ' * i + '- \n' for i in range(2, 2000, 2)))" "$T/deepblock.yaml"
refused "nested block lists" "$T/deepblock.yaml" rules-too-deep '[0-9]+:[0-9]+'
# 32 levels (the top mapping and 31 lists) are fine as far as depth goes.
gen "print('rules: ' + '[' * 31 + ']' * 31)" "$T/d32.yaml"
run_qapic compat --diag-format=json --rules "$T/d32.yaml" --calls "$T/one.log"
check "limits: 32 levels are not too deep" test "$STATUS" -eq 2 -a -z "$(grep rules-too-deep "$ERR")"
gen "print('rules: ' + '[' * 32 + ']' * 32)" "$T/d33.yaml"
refused "33 levels" "$T/d33.yaml" rules-too-deep '1:39'

# --- size ----------------------------------------------------------------------

# A sparse file: refused from its size alone, before it is read.
truncate -s 17M "$T/huge.yaml"
refused "a file over 16 MiB" "$T/huge.yaml" rules-too-large '1:1'
grep_out "limits: size message" "has 17825792 bytes, more than the limit of 16 MiB" "$ERR"
if command -v strace >/dev/null 2>&1; then
    strace -f -qq -e trace=read -e read=none -o "$T/trace" \
        "$QAPIC" compat --rules "$T/huge.yaml" --calls "$T/one.log" >/dev/null 2>&1
    check "limits: a file known too large is not read" \
        test -z "$(grep -E 'read\([0-9]+, .*= [0-9]{6,}' "$T/trace")"
else
    skip "limits: not read" "no strace"
fi
# Through a pipe, the size is seen once read.
mkfifo "$T/pipe.yaml"
{ printf 'rules: []\n'; head -c 17M /dev/zero | tr '\0' '#'; } >"$T/pipe.yaml" 2>/dev/null &
run_qapic_limited compat --diag-format=json --rules "$T/pipe.yaml" --calls "$T/one.log"
wait
check "limits: a stream over 16 MiB: exit 2" test "$STATUS" -eq 2
grep_out "limits: a stream over 16 MiB: located, coded" \
    '"file": ".*pipe\.yaml", "line": 1, "column": 1, "severity": "error", "code": "rules-too-large"' "$ERR"

# --- nodes, aliases and anchors ---------------------------------------------------

# The billion laughs: seven lines standing for ten million nodes.
gen "
print('a0: &a0 [x, x, x, x, x, x, x, x, x, x]')
for i in range(1, 7):
    print('a%d: &a%d [' % (i, i) + ', '.join(['*a%d' % (i - 1)] * 10) + ']')
print('rules:\n  - {id: r, command: c, arguments: *a6}')" "$T/laughs.yaml"
refused "aliases standing for 10,000,000 nodes" "$T/laughs.yaml" rules-too-large '6:[0-9]+'
# 20,000 aliases of one rule of 20,000 arguments (270 KB): 400,000,000.
gen "
print('base: &r {id: r, command: qmp_capabilities, arguments: [%s]}' % ', '.join('p%d' % i for i in range(20000)))
print('rules: [' + ', '.join(['*r'] * 20000) + ']')" "$T/quad.yaml"
refused "20,000 aliases of a large rule" "$T/quad.yaml" rules-too-large '2:[0-9]+'
gen "print('rules: [' + 'a,' * 500001 + ']')" "$T/nodes.yaml"
refused "500,001 nodes" "$T/nodes.yaml" rules-too-large '1:[0-9]+'
gen "print('rules: [' + ', '.join('&a%d x' % i for i in range(1001)) + ']')" "$T/anchors.yaml"
refused "1,001 anchors" "$T/anchors.yaml" rules-too-large '1:[0-9]+'
# Anchors and aliases within the limits work as YAML says.
printf 'x: &args [a, b]\nrules:\n  - {id: r1, command: qmp_capabilities, arguments: *args}\n  - {id: r2, command: qmp_capabilities, arguments: *args}\n' >"$T/alias.yaml"
run_qapic compat --rules "$T/alias.yaml" --calls "$T/one.log"
check "limits: aliases within the limits" grep -q "unknown key 'x'" "$ERR"

# --- large but within the limits: read, and located exactly -------------------------

# 100,000 keys in one mapping; 40,000 rules on one line (with a non-ASCII
# character before them, so that columns count characters).
gen "
print('rules:\n  - id: r\n    command: qmp_capabilities\n    arguments:')
for i in range(100000):
    print('      p%d: string' % i)
print('      p99999: string')" "$T/keys.yaml"
run_qapic_limited compat --rules "$T/keys.yaml" --calls "$T/one.log"
check "limits: 100,000 keys: exit 2" test "$STATUS" -eq 2
grep_out "limits: 100,000 keys: the duplicate found" "keys\.yaml:100005:7: error: key 'p99999' appears twice" "$ERR"
grep_out "limits: 100,000 keys: its first appearance" "keys\.yaml:100004:7: note: first appearance" "$ERR"
line="import sys; sys.stdout.write('rules: [{id: \"\u00e9\u20ac\", command: x}, ' + ', '.join('{id: r%d, command: qmp_capabilities}' % (i % 40000) for i in range(40001)) + ']')"
gen "$line; print()" "$T/line.yaml"
run_qapic_limited compat --rules "$T/line.yaml" --calls "$T/one.log"
col=$(python3 -c "
import io, contextlib
f = io.StringIO()
with contextlib.redirect_stdout(f):
    exec(open('/dev/stdin').read())
print(f.getvalue().rindex('r0,') + 1)" <<<"$line")
check "limits: 40,000 rules on a line: exit 2" test "$STATUS" -eq 2
grep_out "limits: 40,000 rules on a line: duplicate located by column" \
    "line\.yaml:1:$col: error: duplicate rule id 'r0'" "$ERR"
