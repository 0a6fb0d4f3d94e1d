#!/bin/bash
# Time and peak memory of qapic on hostile inputs of growing size: the
# curve must stay linear, and inputs beyond the limits (doc/qapic.1,
# LIMITS) must be refused at once.  "make bench" runs it after run.sh; it
# needs no corpus.  QAPIC=/path/to/an/older/qapic shows the curve before.
#
# Environment:
#   QAPIC        program to measure [./qapic]
#   LIMITS_MAX   largest size to try, in units [1000000]
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
: "${QAPIC:=$top/qapic}"
: "${LIMITS_MAX:=1000000}"

if ! command -v python3 >/dev/null 2>&1; then
    echo "bench/limits.sh: no python3 to write the inputs; skipped"
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qapic-limits.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

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

printf '%-20s %10s %10s %10s %10s  %s\n' shape units bytes "ms" "peak KiB" "exit"
for shape in "${shapes[@]}"; do
    name=${shape%%|*}
    expr=${shape#*|}
    for n in 1000 10000 100000 1000000; do
        [ "$n" -gt "$LIMITS_MAX" ] && break
        python3 -c "import sys; n = $n; sys.stdout.write($expr)" >"$tmp/r.yaml"
        t0=$(date +%s%N)
        /usr/bin/time -o "$tmp/rss" -f %M timeout 300 "$QAPIC" compat \
            --rules "$tmp/r.yaml" --calls "$tmp/one.log" >/dev/null 2>"$tmp/err"
        status=$?
        t1=$(date +%s%N)
        printf '%-20s %10d %10d %10d %10s  %s %s\n' "$name" "$n" \
            "$(stat -c %s "$tmp/r.yaml")" $(((t1 - t0) / 1000000)) \
            "$(tail -n 1 "$tmp/rss")" "$status" \
            "$(grep -m 1 -o 'error: .*' "$tmp/err" | cut -c 8-60)"
        [ "$status" = 124 ] && break    # timed out: larger ones would too
    done
done
