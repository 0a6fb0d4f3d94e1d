#!/bin/bash
# Time and peak memory of qapic on hostile inputs of growing size: rule
# files, schemas and streams.  The curves must stay linear, and inputs
# beyond the limits (doc/qapic.1, LIMITS) must be refused at once.  "make
# bench" runs it after run.sh; it needs no corpus.  QAPIC=/path/to/an/
# older/qapic shows the curves before (with a time limit of 300 s a run).
#
# Environment:
#   QAPIC        program to measure [./qapic]
#   LIMITS_MAX   largest size to try, in units [1000000]
#   LIMITS_STREAMS  0: leave out /dev/zero and the endless standard input
#                (a qapic without size limits reads them until memory runs out)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
: "${QAPIC:=$top/qapic}"
: "${LIMITS_MAX:=1000000}"
: "${LIMITS_STREAMS:=1}"

if ! command -v python3 >/dev/null 2>&1; then
    echo "bench/limits.sh: no python3 to write the inputs; skipped"
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qapic-limits.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# gen SHAPE N DIR: writes the input of SHAPE with N units into DIR, and
# prints the file to give qapic.
gen() {
    python3 - "$@" <<'EOF'
import os, sys
shape, n, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def w(name, text):
    with open(os.path.join(d, name), 'w') as f:
        f.write(text)
def struct(i, extra=''):
    return "{ 'struct': 'Sx%d',%s 'data': { 'm%d': 'int' } }\n" % (i, extra, i)
if shape == 'include-chain':
    for i in range(n):
        w('f%d.json' % i, ("{ 'include': 'f%d.json' }\n" % (i + 1) if i + 1 < n else '') + struct(i))
    print(os.path.join(d, 'f0.json'))
elif shape == 'includes-wide':
    os.makedirs(os.path.join(d, 'inc'))
    for i in range(n):
        w('inc/f%d.json' % i, struct(i))
    w('root.json', ''.join("{ 'include': 'inc/f%d.json' }\n" % i for i in range(n)))
    print(os.path.join(d, 'root.json'))
elif shape == 'base-chain':
    w('s.json', struct(0) + ''.join(struct(i, " 'base': 'Sx%d'," % (i - 1)) for i in range(1, n)))
    print(os.path.join(d, 's.json'))
elif shape == 'base-chain-reversed':
    w('s.json', ''.join(struct(i, " 'base': 'Sx%d'," % (i + 1)) for i in range(n)) + struct(n))
    print(os.path.join(d, 's.json'))
elif shape == 'branch-in-unions':
    k = max(n // 100, 1)
    w('s.json', "{ 'enum': 'En', 'data': ['a'] }\n"
      + "{ 'struct': 'Big', 'data': {" + ', '.join("'m%d': 'int'" % i for i in range(k)) + "} }\n"
      + ''.join("{ 'union': 'Ux%d', 'base': { 't': 'En' }, 'discriminator': 't', 'data': { 'a': 'Big' } }\n" % i
                for i in range(100)))
    print(os.path.join(d, 's.json'))
elif shape == 'structs':
    w('s.json', ''.join(struct(i) for i in range(n)))
    print(os.path.join(d, 's.json'))
elif shape == 'empty-structs':
    w('s.json', ''.join("{ 'struct': 'Sx%d', 'data': {} }\n" % i for i in range(n)))
    print(os.path.join(d, 's.json'))
elif shape == 'all-errors-dups':
    w('s.json', "{ 'struct': 'Abc', 'data': {} }\n" * n)
    print(os.path.join(d, 's.json'))
elif shape == 'keys':
    w('s.json', "{ 'struct': 'Abc', 'data': {" + ', '.join("'m%d': 'int'" % i for i in range(n)) + "} }\n")
    print(os.path.join(d, 's.json'))
elif shape == 'json-zeros':
    w('s.json', '[' + ','.join(['0'] * n) + ']\n')
    print(os.path.join(d, 's.json'))
elif shape == 'stream-zeros':
    w('s.json', '0\n' * n)
    print(os.path.join(d, 's.json'))
elif shape == 'dump-compact':
    w('s.replies', '{"execute":"qmp_capabilities","id":"libvirt-1"}\n\n{"return":{},"id":"libvirt-1"}\n\n'
      + '{"execute":"query-x","id":"libvirt-2"}\n\n{"return":[' + ','.join(['0'] * n) + '],"id":"libvirt-2"}\n')
    print(os.path.join(d, 's.replies'))
elif shape == 'dumps-many':
    # n small dumps, each with a problem: a trailing blank line
    os.makedirs(os.path.join(d, 'dumps'))
    for i in range(n):
        w('dumps/d%d.replies' % i, '{\n  "execute": "qmp_capabilities",\n  "id": "libvirt-1"\n}\n\n'
          '{\n  "return": {},\n  "id": "libvirt-1"\n}\n\n')
    print(os.path.join(d, 'dumps'))
elif shape in ('commands', 'introspect-commands'):
    w('s.json', ''.join("{'command':'c%d'}\n" % i for i in range(n)))
    print(os.path.join(d, 's.json'))
elif shape == 'dup-keys-log':
    w('s.log', '{"execute": "x", "arguments": {' + ','.join('"k%d": 0' % (i % (n // 2 + 1)) for i in range(n)) + '}}\n'
      + '{' + ','.join('"k%d": 0' % i for i in range(n)) + ', "execute": "x"}\n')
    print(os.path.join(d, 's.log'))
elif shape == 'nested-[':
    w('s.json', '[' * n + '\n')
    print(os.path.join(d, 's.json'))
elif shape == 'nested-log':
    w('s.log', '{"execute": "x", "arguments": ' + '{"a": ' * n + '\n')
    print(os.path.join(d, 's.log'))
EOF
}

# measure NAME UNITS BYTES ARGS...: one line of the table.
measure() {
    local name=$1 units=$2 bytes=$3
    shift 3
    local t0 t1 status
    t0=$(date +%s%N)
    /usr/bin/time -o "$tmp/rss" -f %M timeout 300 "$QAPIC" "$@" >/dev/null 2>"$tmp/err"
    status=$?
    t1=$(date +%s%N)
    printf '%-20s %10s %10s %10d %10s  %s %s\n' "$name" "$units" "$bytes" \
        $(((t1 - t0) / 1000000)) "$(tail -n 1 "$tmp/rss")" "$status" \
        "$(grep -m 1 -o 'error: .*' "$tmp/err" | cut -c 8-60)"
    LAST_STATUS=$status
}

header() {
    echo "$1"
    printf '%-20s %10s %10s %10s %10s  %s\n' shape units bytes "ms" "peak KiB" "exit"
}

printf '{"execute": "qmp_capabilities"}\n' >"$tmp/one.log"

# One shape of rule file per line: NAME and a Python expression of N that
# is the file's text.
shapes=(
    "nested-[|'rules: ' + '[' * n"
    "nested-{|'rules: ' + '{a: ' * n"
    "keys|'rules:\n  - id: r\n    command: qmp_capabilities\n    arguments:\n' + ''.join('      p%d: string\n' % i for i in range(n))"
    "rules-on-a-line|'rules: [' + ', '.join('{id: r%d, command: qmp_capabilities}' % i for i in range(n // 8)) + ']\n'"
    "aliases-of-a-rule|'base: &r {id: r, command: qmp_capabilities, arguments: [%s]}\nrules: [%s]\n' % (', '.join('p%d' % i for i in range(n // 20)), ', '.join(['*r'] * (n // 20)))"
    "flat-list|'rules: [' + 'a, ' * n + ']\n'"
)

header "rule files (compat):"
for shape in "${shapes[@]}"; do
    name=${shape%%|*}
    expr=${shape#*|}
    for n in 1000 10000 100000 1000000; do
        [ "$n" -gt "$LIMITS_MAX" ] && break
        python3 -c "import sys; n = $n; sys.stdout.write($expr)" >"$tmp/r.yaml"
        measure "$name" "$n" "$(stat -c %s "$tmp/r.yaml")" compat \
            --rules "$tmp/r.yaml" --calls "$tmp/one.log"
        [ "$LAST_STATUS" = 124 ] && break    # timed out: larger ones would too
    done
done

# Every problem of a long line reported (a column each): linear too.
for n in 1000 10000 100000 1000000; do
    [ "$n" -gt "$LIMITS_MAX" ] && break
    python3 -c "import sys; sys.stdout.write('rules: [' + 'a, ' * $n + ']\n')" >"$tmp/r.yaml"
    measure "all-errors-a-line" "$n" "$(stat -c %s "$tmp/r.yaml")" compat \
        --max-errors=0 --rules "$tmp/r.yaml" --calls "$tmp/one.log"
    [ "$LAST_STATUS" = 124 ] && break
done

echo
header "schemas (check), QMP logs (validate), JSON (parse), dumps (replies fix --check):"
printf "{ 'struct': 'Abc', 'data': {} }\n" >"$tmp/small.json"
# structs, empty-structs and commands: many tiny definitions, the most
# memory a schema's byte takes (peak KiB against bytes: 7 to 9 times);
# stream-zeros: a top-level value every two bytes (9 times).
for shape in include-chain includes-wide base-chain base-chain-reversed \
             branch-in-unions structs empty-structs commands keys nested-[ nested-log \
             introspect-commands json-zeros stream-zeros dump-compact dup-keys-log; do
    for n in 1000 3000 10000 100000 1000000 3000000; do
        case $shape in empty-structs|*commands|*-zeros|dump-compact) ;; *) [ "$n" -gt "$LIMITS_MAX" ] && break ;; esac
        [ "$n" -gt $((3 * LIMITS_MAX)) ] && break
        # 1,000,000 files or structs of a chain say nothing 100,000 do not
        case $shape in include*-*|base-*) [ "$n" -gt 100000 ] && break ;; esac
        rm -rf "$tmp/in"
        mkdir "$tmp/in"
        file=$(gen "$shape" "$n" "$tmp/in")
        bytes=$(du -sb "$tmp/in" | cut -f 1)
        if [ "$shape" = nested-log ]; then
            measure "$shape" "$n" "$bytes" validate --schema "$tmp/small.json" --calls "$file"
        elif [ "$shape" = dup-keys-log ]; then
            # every problem reported, in QMP's key order (not the text's)
            measure "$shape" "$n" "$bytes" validate --max-errors=0 --schema "$tmp/small.json" --calls "$file"
        elif [ "$shape" = json-zeros ]; then
            measure "$shape" "$n" "$bytes" parse --dialect=json "$file"
        elif [ "$shape" = stream-zeros ]; then
            measure "$shape" "$n" "$bytes" parse --dialect=stream "$file"
        elif [ "$shape" = introspect-commands ]; then
            measure "$shape" "$n" "$bytes" introspect -o /dev/null "$file"
        elif [ "$shape" = dump-compact ]; then
            measure "$shape" "$n" "$bytes" replies fix --check "$file"
        else
            measure "$shape" "$n" "$bytes" check "$file"
        fi
        [ "$LAST_STATUS" = 124 ] && break    # timed out: larger ones would too
    done
done

# Every problem of a schema reported, each in a definition and with a
# note (a definition repeated): what the sink keeps of each diagnostic.
for n in 1000 10000 100000 1000000; do
    [ "$n" -gt "$LIMITS_MAX" ] && break
    rm -rf "$tmp/in"
    mkdir "$tmp/in"
    file=$(gen all-errors-dups "$n" "$tmp/in")
    measure "all-errors-dups" "$n" "$(stat -c %s "$file")" check \
        --max-errors=0 "$file"
    [ "$LAST_STATUS" = 124 ] && break
done

# Many small dumps in one run, each with its problems, the result lines
# or the report of each file's problems (--format=json): linear in the
# number of files.
for n in 1000 5000 20000; do
    [ "$n" -gt "$LIMITS_MAX" ] && break
    rm -rf "$tmp/in"
    mkdir "$tmp/in"
    dir=$(gen dumps-many "$n" "$tmp/in")
    bytes=$(du -sb "$dir" | cut -f 1)
    measure "dumps-many" "$n" "$bytes" replies check --max-errors=0 "$dir"/*.replies
    measure "dumps-many-json" "$n" "$bytes" replies check --max-errors=0 \
        --format=json "$dir"/*.replies
    [ "$LAST_STATUS" = 124 ] && break
done
rm -rf "$tmp/in"

# Sizes: a sparse file, /dev/zero, an endless standard input.
truncate -s 3G "$tmp/sparse.json"
measure "sparse-3GiB" - 3221225472 parse "$tmp/sparse.json"
rm -f "$tmp/sparse.json"
[ "$LIMITS_STREAMS" = 0 ] && exit 0
measure "/dev/zero" - endless parse /dev/zero
t0=$(date +%s%N)
yes '{"execute": "qmp_capabilities"}' 2>/dev/null |
    /usr/bin/time -o "$tmp/rss" -f %M timeout 300 "$QAPIC" validate \
        --schema "$tmp/small.json" - >/dev/null 2>"$tmp/err"
status=$?
t1=$(date +%s%N)
printf '%-20s %10s %10s %10d %10s  %s %s\n' "endless-stdin" - endless \
    $(((t1 - t0) / 1000000)) "$(tail -n 1 "$tmp/rss")" "$status" \
    "$(grep -m 1 -o 'error: .*' "$tmp/err" | cut -c 8-60)"
