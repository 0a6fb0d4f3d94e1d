# Schema queries: libvirt's 51 capability queries evaluated on the 29
# capability dumps must give exactly the flags libvirt wrote into the
# matching caps_*.xml (flag present <=> every query for it is true).
. "$TOP/tests/stages/lib.sh"

# --- without the corpus: syntax and exit codes ----------------------------

cat >"$TMPDIR/mini.replies" <<'JSON'
{"execute": "qmp_capabilities", "id": "libvirt-1"}

{"return": {}, "id": "libvirt-1"}

{"execute": "query-qmp-schema", "id": "libvirt-2"}

{"return": [
  {"name": "cmd", "meta-type": "command", "arg-type": "1", "ret-type": "2",
   "features": ["feat"]},
  {"name": "EV", "meta-type": "event", "arg-type": "1"},
  {"name": "1", "meta-type": "object", "members": [
     {"name": "opt", "type": "str", "default": null, "features": ["mf"]},
     {"name": "mode", "type": "3"},
     {"name": "alt", "type": "4"},
     {"name": "list", "type": "[1]"}]},
  {"name": "2", "meta-type": "object", "tag": "mode",
   "members": [{"name": "mode", "type": "3"}],
   "variants": [{"case": "a", "type": "1"}, {"case": "b", "type": "5"}],
   "features": ["uf"]},
  {"name": "3", "meta-type": "enum", "values": ["a", "b"],
   "members": [{"name": "a"}, {"name": "b", "features": ["vf"]}]},
  {"name": "4", "meta-type": "alternate",
   "members": [{"type": "str"}, {"type": "null"}]},
  {"name": "5", "meta-type": "object", "members": []},
  {"name": "[1]", "meta-type": "array", "element-type": "1"},
  {"name": "str", "meta-type": "builtin", "json-type": "string"},
  {"name": "null", "meta-type": "builtin", "json-type": "null"}
], "id": "libvirt-2"}
JSON
mini=$TMPDIR/mini.replies

# query_is NAME PATH true|false
query_is() {
    run_qapic query "$mini" "$2"
    if [ "$(cat "$OUT")" = "$(printf '%s\t%s' "$2" "$3")" ]; then
        pass "query/$1"
    else
        fail "query/$1" "'$2': got '$(cat "$OUT")', status $STATUS: $(head -n 1 "$ERR")"
    fi
}
query_is entry cmd true
query_is missing-entry nosuch false
query_is arg-member cmd/arg-type/opt true
query_is optional cmd/arg-type/*opt true
query_is not-optional cmd/arg-type/*mode false
query_is optional-missing cmd/arg-type/*nosuch false
query_is event EV/arg-type/mode true
query_is event-no-ret EV/ret-type false
query_is enum-value 'cmd/arg-type/mode/^b' true
query_is enum-missing 'cmd/arg-type/mode/^c' false
query_is enum-value-feature 'cmd/arg-type/mode/^b/$vf' true
query_is enum-value-no-feature 'cmd/arg-type/mode/^a/$vf' false
query_is variant 'cmd/ret-type/+a/opt' true
query_is variant-missing 'cmd/ret-type/+c' false
query_is alternate 'cmd/arg-type/alt/!null' true
query_is alternate-none 'cmd/arg-type/alt/!int' false
query_is array 'cmd/arg-type/list/mode/^a' true
query_is command-feature 'cmd/$feat' true
query_is type-feature 'cmd/ret-type/$uf' true
query_is member-feature 'cmd/arg-type/opt/$mf' true
query_is member-feature-not-type 'cmd/arg-type/opt/$uf' false
query_is no-alias 'cmd/arg-type/-opt' false
query_is not-a-key 'cmd/meta-type' false
query_is builtin-head 'str/!string' true

run_qapic query "$mini" cmd nosuch
if [ "$STATUS" -eq 1 ] && [ "$(wc -l <"$OUT")" -eq 2 ]; then
    pass query/exit-1-when-false
else
    fail query/exit-1-when-false "status $STATUS"
fi
for bad in 'cmd/' 'cmd//x' '/cmd' '' 'cmd/$feat/x' 'cmd/!x/y' 'x/^a/b' '$x' 'x/*'; do
    run_qapic query "$mini" cmd "$bad"
    if [ "$STATUS" -eq 2 ] && grep -q 'query-malformed\|malformed' "$ERR"; then
        pass "query/malformed[$bad]"
    else
        fail "query/malformed[$bad]" "status $STATUS"
    fi
done
expect_exit query/missing-source 2 query "$TMPDIR/nosuch.replies" cmd
printf '{"execute": "query-version"}\n\n{"return": {}}\n' >"$TMPDIR/noschema.replies"
expect_exit query/no-schema-reply 2 query "$TMPDIR/noschema.replies" cmd &&
    grep_out query/no-schema-reply-message 'query-qmp-schema' "$ERR"

run_qapic query --format=json "$mini" cmd 'cmd/arg-type/*mode'
printf '[\n  {\n    "path": "cmd",\n    "result": true\n  },\n  {\n    "path": "cmd/arg-type/*mode",\n    "result": false\n  }\n]\n' >"$TMPDIR/json.want"
if [ "$STATUS" -eq 1 ] && cmp -s "$OUT" "$TMPDIR/json.want"; then
    pass query/json-format
else
    fail query/json-format "status $STATUS: $(tr -d '\n' <"$OUT" | head -c 200)"
fi

# --- the corpus: libvirt's flags -----------------------------------------

need_corpus "query/libvirt-flags" || exit 0

queries=$CORPUS/libvirt-schema-queries.txt
mapfile -t paths < <(grep -v '^#' "$queries" | cut -f1)
total=0 mismatches=0 dumps=0
for replies in "$CORPUS"/replies/caps_*.replies; do
    xml=${replies%.replies}.xml
    base=$(basename "$replies" .replies)
    [ -f "$xml" ] || { fail "query/$base" "no $xml"; continue; }
    run_qapic query "$replies" "${paths[@]}"
    if [ "$STATUS" -ne 0 ] && [ "$STATUS" -ne 1 ]; then
        fail "query/$base" "$(describe_status "$STATUS"): $(head -n 1 "$ERR")"
        continue
    fi
    dumps=$((dumps + 1))
    # capability -> true only if all its queries are true; compare with the
    # flags of the XML.
    report=$(awk -F'\t' -v xml="$xml" '
        FNR == NR { if ($0 !~ /^#/) cap[$1] = $3; next }
        { c = cap[$1]; seen[c] = 1
          if (!(c in val)) val[c] = 1
          if ($2 != "true") val[c] = 0 }
        END {
            while ((getline line < xml) > 0)
                if (match(line, /<flag name=.[^\x27"]*/))
                    flag[substr(line, RSTART + 12, RLENGTH - 12)] = 1
            n = 0; bad = 0
            for (c in seen) {
                n++
                if (val[c] != ((c in flag) ? 1 : 0)) {
                    bad++; printf "  %s: query %s, flag %s\n", c,
                        val[c] ? "true" : "false", (c in flag) ? "present" : "absent"
                }
            }
            printf "%d %d\n", n, bad
        }' "$queries" "$OUT")
    counts=$(printf '%s\n' "$report" | tail -n 1)
    n=${counts% *} bad=${counts#* }
    total=$((total + n))
    mismatches=$((mismatches + bad))
    if [ "$bad" -eq 0 ] && [ "$n" -eq 50 ]; then
        pass "query/$base"
    else
        fail "query/$base" "$bad of $n capabilities disagree with the XML"
        printf '%s\n' "$report" | sed '$d' >&2
    fi
done
echo "query: $dumps dumps, $total capability/dump pairs, $mismatches mismatches" >&2
if [ "$dumps" -eq 29 ] && [ "$total" -eq 1450 ] && [ "$mismatches" -eq 0 ]; then
    pass query/libvirt-flags-total
else
    fail query/libvirt-flags-total "$dumps dumps, $total pairs, $mismatches mismatches (want 29, 1450, 0)"
fi
