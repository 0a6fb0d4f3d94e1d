# Every diagnostic code used in the sources is explained in
# doc/diagnostics.md, and the three output formats keep their shape.
# (Strings that look like codes but are QMP commands the code names, or
# QAPI keywords, are left out by name.)
. "$TOP/tests/stages/lib.sh"

doc=$TOP/doc/diagnostics.md
codes=$(grep -ohE '"(qapi|json|syntax|input|schema|replies|compat|diff|gen|rules|ischema|query|qmp|io|hint|introspect|usage|validate|probe)-[a-z0-9-]+"' \
            $(find "$TOP/src" "$TOP/gen" -name '*.c' 2>/dev/null) "$TOP"/grammar/lexer.l |
        tr -d '"' | sort -u |
        grep -vxE 'qapi-doc|qmp-example|json-type|query-(version|qmp-schema|target|kvm|machines|cpu-model-expansion)')
missing=""
n=0
for c in $codes; do
    n=$((n + 1))
    grep -q "\`$c\`" "$doc" || missing="$missing $c"
done
if [ -z "$missing" ]; then
    pass "diagnostics: all $n codes documented in doc/diagnostics.md"
else
    fail "diagnostics: codes documented" "missing:$missing"
fi

T=$TMPDIR/diag
mkdir -p "$T"
printf "{ 'struct': 'Str',\n  'data': { 'a': 'Nope' } }\n" >"$T/s.json"
expect_exit "diagnostics: gcc format exit" 1 check "$T/s.json" &&
    grep_out "diagnostics: gcc format" '^.*s\.json:1:1: error: .*Nope' "$ERR"
grep_out "diagnostics: gcc context line" "^.*s\.json: In struct 'Str':\$" "$ERR"
expect_exit "diagnostics: qemu format exit" 1 check --diag-format=qemu "$T/s.json" &&
    grep_out "diagnostics: qemu format has no severity or column" '^.*s\.json:1: [^e]' "$ERR"
expect_exit "diagnostics: json format exit" 1 check --diag-format=json "$T/s.json" &&
    grep_out "diagnostics: json format" '^\{"file": ".*s\.json", "line": 1, "column": 1, "severity": "error", "code": "qapi-[a-z-]+", "message": ' "$ERR"
expect_exit "diagnostics: unknown format" 2 check --diag-format=xml "$T/s.json"

# --max-errors: independent errors are all reported, up to the limit.
printf "{ 'struct': 'a', 'data': {} }\n{ 'struct': 'b', 'data': {} }\n{ 'struct': 'c', 'data': {} }\n" >"$T/many.json"
run_qapic check "$T/many.json"
check "diagnostics: several independent errors" test "$(grep -c ': error: ' "$ERR")" -ge 3
run_qapic check --max-errors=2 "$T/many.json"
check "diagnostics: --max-errors=2 stops at two" test "$(grep -c ': error: ' "$ERR")" -eq 2
