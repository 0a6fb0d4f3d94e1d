# QEMU's QAPI front-end test suites (tests/qapi-schema of QEMU 10.0 and
# 10.2) and the full QEMU 10.0 schema, read in place from the corpus.
. "$TOP/tests/stages/lib.sh"

need_corpus "qapi-schema conformance" || exit 0

tool=$CORPUS/../tools/conformance.sh
[ -x "$tool" ] || tool=$TOP/../shared/tools/conformance.sh

# conformance NAME STD SUITEDIR
conformance() {
    local name=$1 std=$2 dir=$3
    if [ ! -d "$dir" ]; then
        skip "$name" "no $dir"
        return
    fi
    if [ ! -x "$tool" ]; then
        skip "$name" "conformance.sh not found"
        return
    fi
    local out
    out=$(QAPIC_ARGS="--std=$std" "$tool" "$QAPIC" "$dir" -v 2>&1)
    if [ $? -eq 0 ]; then
        pass "$name"
    else
        fail "$name" "$(printf '%s' "$out" | tr '\n' ' ')"
    fi
}

conformance conformance/qemu-10.2 qemu-10.2 "$CORPUS/qemu-10.2/tests/qapi-schema"
conformance conformance/qemu-10.0 qemu-10.0 "$CORPUS/qemu-10.0/tests/qapi-schema"

full=$CORPUS/qemu-10.0/qapi/qapi-schema.json
expected=$CORPUS/qemu-10.0/expected/qapi-schema.test-qapi.out
if [ -f "$full" ] && [ -f "$expected" ]; then
    run_qapic dump --format=test-qapi --std=qemu-10.0 "$full"
    if [ "$STATUS" -eq 0 ] && cmp -s "$OUT" "$expected"; then
        pass conformance/full-schema-dump
    else
        fail conformance/full-schema-dump \
            "$(describe_status "$STATUS"), $(diff "$OUT" "$expected" | wc -l) diff lines: $(head -n 1 "$ERR")"
    fi
    expect_exit conformance/full-schema-check 0 check --std=qemu-10.0 "$full" \
        && check conformance/full-schema-check-silent test ! -s "$ERR"
    run_qapic dump --format=summary --std=qemu-10.0 "$full"
    grep_out conformance/full-schema-summary '240 commands, 56 events'
else
    skip conformance/full-schema "no QEMU 10.0 schema in the corpus"
fi

qga=$CORPUS/qemu-10.0/qga/qapi-schema.json
if [ -f "$qga" ]; then
    expect_exit conformance/qga-check 0 check --std=qemu-10.0 "$qga" \
        && check conformance/qga-check-silent test ! -s "$ERR"
else
    skip conformance/qga "no qga schema in the corpus"
fi

# Several roots at once: exit 1 when any is bad, every one is checked.
printf "{ 'struct': 'Foo', 'data': { 'a': 'Nope' } }\n" >"$TMPDIR/bad.json"
printf "{ 'struct': 'Foo', 'data': { 'a': 'int' } }\n" >"$TMPDIR/good.json"
expect_exit conformance/check-two-roots 1 check "$TMPDIR/good.json" "$TMPDIR/bad.json" \
    && grep_out conformance/check-two-roots-located 'bad\.json:1' "$ERR"
expect_exit conformance/check-missing-root 2 check "$TMPDIR/nope.json"
