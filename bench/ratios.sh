#!/bin/bash
# qapic against the tools it stands in for, timed in turns in one run
# (tests/bench/timeit): `check` against QEMU's own front end
# (scripts/qapi: parse and every check, no output) on that tree's schema,
# and `replies check` and `replies fix --check` against libvirt's
# scripts/qemu-replies-tool.py (its default mode, which only checks) on the
# corpus dumps.  Each line prints the median wall times, their ratio (what
# issue 16's target is about), the ratio of the fastest runs and that of
# the median processor times (user and system: on a loaded machine the
# closest to the wall-time ratio of an idle one), and the target.  "make
# bench" runs it after run.sh.
#
# Environment:
#   QAPIC        program to measure [./qapic]
#   CORPUS       corpus directory [../shared/corpus]
#   TIMEIT       the timer (make bench builds it) [built here with cc]
#   QEMU_SRC     QEMU source trees, separated by spaces: each needs
#                scripts/qapi/ and qapi/qapi-schema.json (and VERSION, which
#                picks qapic's --std)
#   LIBVIRT_SRC  a libvirt source tree with scripts/qemu-replies-tool.py
#   RATIO_RUNS   timed runs of each command [20]
#   PYTHON       the interpreter of the tools [the python3 on PATH, resolved]
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
: "${QAPIC:=$top/qapic}"
: "${CORPUS:=$top/../shared/corpus}"
: "${QEMU_SRC:=}"
: "${LIBVIRT_SRC:=}"
: "${RATIO_RUNS:=20}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/qapic-ratios.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ -z "${TIMEIT:-}" ] || [ ! -x "$TIMEIT" ]; then
    TIMEIT=$tmp/timeit
    "${CC:-cc}" -O2 -o "$TIMEIT" "$top/tests/bench/timeit.c" || exit 2
fi
# The interpreter itself: a wrapper on PATH (pyenv's shim is a shell
# script) would add its own start to every timed run of the tools.
# PYTHON picks another interpreter (a distribution's python3 built with
# PGO runs the tools faster than a locally built one: the stricter ratio).
if [ -n "${PYTHON:-}" ]; then python=$PYTHON
else python=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || python=python3
fi
[ -x "$python" ] || python=python3
# Python's compiled modules go here, not into the source trees; the
# untimed first run of each command writes them.
export PYTHONPYCACHEPREFIX=$tmp/pycache
# In this variable's presence libvirt's tool rewrites the dumps it checks.
unset VIR_TEST_REGENERATE_OUTPUT

printf 'ratios to QEMU'\''s and libvirt'\''s own tools: median of %d runs taken in turns (load average %s at start)\n\n' \
    "$RATIO_RUNS" "$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
printf 'the tools run by %s (%s)\n\n' "$python" "$("$python" --version 2>&1)"
fmt='%-44s %9s %9s %8s %9s %9s %7s\n'
# shellcheck disable=SC2059
printf "$fmt" comparison "qapic ms" "tool ms" ratio "min ratio" "cpu ratio" target
# shellcheck disable=SC2059
printf "$fmt" "$(printf '%.0s-' {1..44})" --------- --------- -------- --------- --------- -------

short=0

# compare TARGET NAMES TOOL_CMD... ::: QAPIC_CMD... [::: QAPIC_CMD...]:
# runs the commands in turns and prints a line per qapic command, named
# by the "|"-separated NAMES in order.
compare() {
    local target=$1 names=$2 line tool_med tool_min tool_status tool_cpu i=0 name
    shift 2
    if ! "$TIMEIT" -n "$RATIO_RUNS" -w 1 "$@" >"$tmp/t" 2>"$tmp/terr"; then
        printf '%-44s error: %s\n' "${names%%|*}" "$(head -n 1 "$tmp/terr")"
        return
    fi
    read -r tool_med tool_min tool_status tool_cpu <"$tmp/t"
    while read -r line; do
        i=$((i + 1))
        [ $i -eq 1 ] && continue
        name=$(echo "$names" | cut -d '|' -f $((i - 1)))
        # shellcheck disable=SC2086
        set -- $line
        if [ "$3" != 0 ] || [ "$tool_status" != 0 ]; then
            printf '%-44s error: exit %s (tool: exit %s) in a timed run\n' \
                "$name" "$3" "$tool_status"
            continue
        fi
        # shellcheck disable=SC2059
        printf "$fmt" "$name" "$1" "$tool_med" \
            "$(awk -v t="$tool_med" -v q="$1" 'BEGIN { printf "%.1fx", t / q }')" \
            "$(awk -v t="$tool_min" -v q="$2" 'BEGIN { printf "%.1fx", t / q }')" \
            "$(awk -v t="$tool_cpu" -v q="$4" 'BEGIN { printf "%.1fx", t / q }')" \
            "${target}x"
        if awk -v t="$tool_med" -v q="$1" -v g="$target" 'BEGIN { exit !(t / q < g) }'; then
            short=$((short + 1))
        fi
    done <"$tmp/t"
}

# accepts NAME CMD...: runs CMD once; prints a line and fails unless it
# exits 0 (a refused input would time an error path).
accepts() {
    local name=$1
    shift
    "$@" >/dev/null 2>"$tmp/err" && return 0
    printf '%-44s error: %s refuses it: %s\n' "$name" "$(basename "$1")" \
        "$(grep -m 1 . "$tmp/err" | cut -c 1-80)"
    return 1
}

# std_of TREE: qapic's --std for the doc rules of that QEMU release.
std_of() {
    local v
    v=$(cat "$1/VERSION" 2>/dev/null)
    case $v in
        [0-9].*|10.[01].*) echo qemu-10.0 ;;
        *) echo qemu-10.2 ;;
    esac
}

if [ -z "$QEMU_SRC" ]; then
    printf '%-44s skipped: make bench QEMU_SRC=/path/to/qemu (a source tree)\n' \
        "check vs QEMU's front end (target 60x)"
fi
for src in $QEMU_SRC; do
    schema=$src/qapi/qapi-schema.json
    ver=$(cat "$src/VERSION" 2>/dev/null || echo '?')
    name="check qemu $ver schema, --std=$(std_of "$src")"
    if [ ! -f "$src/scripts/qapi/schema.py" ] || [ ! -f "$schema" ]; then
        printf '%-44s error: %s has no scripts/qapi/schema.py or qapi/qapi-schema.json\n' \
            "$name" "$src"
        continue
    fi
    fe=("$python" "$top/bench/qapi_frontend.py" "$src" "$schema")
    qc=("$QAPIC" check --std="$(std_of "$src")" "$schema")
    accepts "$name" "${fe[@]}" && accepts "$name" "${qc[@]}" &&
        compare 60 "$name" "${fe[@]}" ::: "${qc[@]}"
done

tool=$LIBVIRT_SRC/scripts/qemu-replies-tool.py
dumps=("$CORPUS"/replies/*.replies)
if [ -z "$LIBVIRT_SRC" ]; then
    printf '%-44s skipped: make bench LIBVIRT_SRC=/path/to/libvirt (a source tree)\n' \
        "replies vs libvirt's tool (target 30x)"
elif [ ! -f "$tool" ]; then
    printf '%-44s error: no %s\n' "replies vs libvirt's tool" "$tool"
elif [ ! -f "${dumps[0]}" ]; then
    printf '%-44s skipped: no dumps in %s\n' "replies vs libvirt's tool" "$CORPUS/replies"
else
    n=${#dumps[@]}
    lt=("$python" "$tool" "${dumps[@]}")
    accepts "replies: $n dumps" "${lt[@]}" &&
        compare 30 "replies check: $n dumps|replies fix --check: $n dumps" "${lt[@]}" \
            ::: "$QAPIC" replies check "${dumps[@]}" \
            ::: "$QAPIC" replies fix --check "${dumps[@]}"
fi

if [ -n "$QEMU_SRC$LIBVIRT_SRC" ]; then
    echo
    if [ $short -gt 0 ]; then
        echo "$short ratio(s) below target"
    else
        echo "all measured ratios at or above target"
    fi
fi
