# qapic replies: check, fix, validate and schema on libvirt's capability
# dumps.  Broken copies of one corpus dump are made in $TMPDIR with sed;
# each must be reported at the right line with a specific code, and none
# may crash the run or keep the files after it from being checked.
. "$TOP/tests/stages/lib.sh"

# --- many dumps in one run: each file's diagnostics together -----------------
#
# Each dump is read, checked and freed before the next, whose source may
# then be made at the same address: the diagnostics must still be told
# apart by file, in the order the files were given, each file's by place
# (only the first error of the run keeps first place).  Small dumps made
# here, of different sizes: N pairs of qmp_capabilities, the second with
# wrong ids, no schema, a blank line at the end.

# problem_dump FILE N
problem_dump() {
    local i
    : >"$1"
    for ((i = 1; i <= $2; i++)); do
        printf '{\n  "execute": "qmp_capabilities",\n  "id": "libvirt-%d"\n}\n\n{\n  "return": {},\n  "id": "libvirt-%d"\n}\n\n' \
            "$i" "$((i == 2 ? 7 : i))" >>"$1"
    done
}

# in_file_order NAME LAYOUT FILES-IN-ORDER: PASS if the diagnostics in
# $ERR (LAYOUT gcc or json) name the files in that order, one run of
# lines each, and each file's come by place but the run's first.
in_file_order() {
    local name=$1 layout=$2 want=$3
    local lines got bad
    if [ "$layout" = json ]; then
        lines=$(sed -E 's/^\{"file": "([^"]*)", "line": ([0-9]+), "column": ([0-9]+),.*/\1 \2 \3/' "$ERR")
    else
        lines=$(sed -E 's/^(.*):([0-9]+):([0-9]+): .*/\1 \2 \3/' "$ERR")
    fi
    got=$(awk 'NR > 1 && $1 != last { printf " " } $1 != last { printf "%s", $1; last = $1 }' <<<"$lines")
    bad=$(awk 'NR > 1 && $1 == f && ($2 < l || ($2 == l && $3 < c)) { print; exit }
               NR > 1 { f = $1; l = $2; c = $3 }' <<<"$lines")
    if [ "$got" != "$want" ]; then
        fail "$name" "files in the order '$got', expected '$want'"
    elif [ -n "$bad" ]; then
        fail "$name" "out of place in its file: $bad"
    else
        pass "$name"
    fi
}

# Run in their directory, named short.
mkdir -p "$TMPDIR/many"
cd "$TMPDIR/many" || exit 1
many=()
for n in 1 4 2 5 3 2 6 1; do
    f=d${#many[@]}-$n.replies
    problem_dump "$f" "$n"
    many+=("$f")
done
want=$(printf '%s ' "${many[@]}")
want=${want% }
run_qapic replies check --max-errors=0 "${many[@]}"
if [ "$STATUS" -eq 1 ] && [ "$(grep -c ': [0-9]* problems\?$' "$OUT")" -eq ${#many[@]} ]; then
    in_file_order replies/many-files-text gcc "$want"
else
    fail replies/many-files-text "$(describe_status "$STATUS"): $(head -n 1 "$ERR")"
fi
run_qapic replies check --max-errors=0 --diag-format=json "${many[@]}"
in_file_order replies/many-files-json json "$want"
# The report of --format=json lists each file's problems with it.
run_qapic replies check --max-errors=0 --format=json "${many[@]}"
if [ "$(grep -c '"status": "problems"' "$OUT")" -eq ${#many[@]} ] &&
   [ "$(grep -c '"code": "replies-no-schema"' "$OUT")" -eq ${#many[@]} ]; then
    in_file_order replies/many-files-report-json gcc "$want"
else
    fail replies/many-files-report-json "$(describe_status "$STATUS"): $(head -n 1 "$ERR")"
fi
# A file given twice is read twice: two files of the same name.
run_qapic replies check --max-errors=0 d1-4.replies d3-5.replies d1-4.replies
in_file_order replies/many-files-same-twice gcc \
    "d1-4.replies d3-5.replies d1-4.replies"
cd "$TOP" || exit 1

need_corpus "replies tests" || exit 0
R=$CORPUS/replies
if ! ls "$R"/*.replies >/dev/null 2>&1; then
    skip replies "no .replies files in $R"
    exit 0
fi

# --- the corpus is clean ------------------------------------------------------

expect_exit replies/check-corpus 0 replies check --max-errors=0 "$R"/*.replies
expect_exit replies/check-corpus-returns 0 replies check --check-returns \
    --max-errors=0 "$R"/*.replies
expect_exit replies/fix-check-corpus 0 replies fix --check "$R"/*.replies
expect_exit replies/check-json 0 replies check --format=json \
    "$R/caps_10.0.0_x86_64.replies" &&
    grep_out replies/check-json-status '"status": "ok"'

# --- broken copies --------------------------------------------------------------

S=$R/caps_9.0.0_sparc.replies
if [ ! -f "$S" ]; then
    skip replies/broken "$S not in the corpus"
    exit 0
fi
B=$TMPDIR/broken
mkdir -p "$B"

# mk NAME SED-ARGS...: a copy of $S edited by sed.
mk() {
    local name=$1
    shift
    sed "$@" "$S" >"$B/$name.replies"
}

last_blank=$(grep -n '^$' "$S" | tail -n 1 | cut -d: -f1)
last_cmd=$(( $(grep -n '^$' "$S" | tail -n 2 | head -n 1 | cut -d: -f1) + 1 ))
schema_cmd=$(grep -n '"execute": "query-qmp-schema"' "$S" | cut -d: -f1)
kvm_cmd=$(grep -n '"execute": "query-kvm"' "$S" | cut -d: -f1)
dlp=$(grep -n '"execute": "device-list-properties"' "$S" | head -n 1 | cut -d: -f1)
builtin=$(grep -n '"json-type": "string",' "$S" | head -n 1 | cut -d: -f1)
nlines=$(wc -l <"$S")

mk id-changed -e '30s/libvirt-3/libvirt-77/'
head -n $((last_blank - 1)) "$S" >"$B/missing-reply.replies"
mk missing-comma -e '12s/,$//'
mk indent4 -e '12,13s/^  /    /'
{ cat "$S"; echo; } >"$B/trailing-blank.replies"
head -c -1 "$S" >"$B/no-final-newline.replies"
mk schema-extra-key -e "${builtin}a\\      \"frobnicate\": 1,"
mk crlf -e 's/$/\r/'
mk no-separator -e '5d'
mk reply-id -e '8s/libvirt-1/libvirt-5/'
mk no-capabilities -e '1,10d'
mk separator-space -e '5s/^$/ /'
mk execute-renamed -e '12s/"execute"/"exec"/'
mk duplicate-key -e '12a\  "execute": "query-version",'
mk no-schema -e "$((schema_cmd - 1)),$((kvm_cmd - 2))d"
mk reply-array -e '6,9c\[\n  1\n]'
mk non-ascii -e '23s/fc40/fc40\xc3\xa9/'
mk unknown-argument -e "$((dlp + 1))a\\    \"frobnicate\": 1,"
mk wrong-type -e "$((dlp + 2))s/\"typename\": \".*\"/\"typename\": 42/"

# expect NAME LINE CODE [PATTERN]: "replies check" on the copy NAME fails
# with a CODE diagnostic at LINE (and PATTERN in its message).
expect() {
    local name=$1 line=$2 code=$3 pattern=${4:-}
    local f=$B/$name.replies
    run_qapic replies check --diag-format=json --max-errors=0 "$f"
    if [ "$STATUS" -ne 1 ]; then
        fail "replies/broken/$name" "expected exit 1, got $(describe_status "$STATUS")"
        return
    fi
    if grep -F "\"line\": $line," "$ERR" | grep -F "\"code\": \"$code\"" |
       grep -Eq -- "$pattern"; then
        pass "replies/broken/$name"
    else
        fail "replies/broken/$name" "no $code at line $line${pattern:+ matching /$pattern/}: $(head -n 1 "$ERR")"
    fi
}

expect id-changed 30 replies-id "entry 5, command 'query-target'.*expected 'libvirt-3'"
expect missing-reply "$last_cmd" replies-missing-reply "query-migrate-capabilities"
expect missing-comma 13 syntax-unexpected "entry 3"
expect indent4 12 replies-indent "4 spaces, expected 2"
expect trailing-blank $((nlines + 1)) replies-trailing-blank
expect no-final-newline "$nlines" replies-final-newline
expect schema-extra-key $((builtin + 1)) schema-unknown-key "frobnicate"
expect crlf 1 replies-crlf
expect no-separator 5 replies-separator "no empty line"
expect reply-id 8 replies-id-mismatch "libvirt-5.*libvirt-1"
expect no-capabilities 1 replies-no-capabilities
expect separator-space 5 replies-separator "white space"
expect execute-renamed 11 replies-entry-kind
expect duplicate-key 13 replies-duplicate-key "'execute'"
expect no-schema 1 replies-no-schema
expect reply-array 6 replies-not-object "array"
expect non-ascii 23 replies-non-ascii '\\\\u00e9'
expect unknown-argument $((dlp + 2)) qmp-unknown-member "arguments.frobnicate"
expect wrong-type $((dlp + 2)) qmp-type-mismatch "arguments.typename: expected string, got number"

# All copies in one run, a clean dump last: every file is checked.
run_qapic replies check --max-errors=0 "$B"/*.replies "$R/caps_10.0.0_x86_64.replies"
nbroken=$(ls "$B"/*.replies | wc -l)
if [ "$STATUS" -eq 1 ] && [ "$(grep -c ': [0-9]* problems\?$' "$OUT")" -eq "$nbroken" ] &&
   grep -q 'caps_10.0.0_x86_64.replies: ok$' "$OUT"; then
    pass replies/broken-all-in-one-run
else
    fail replies/broken-all-in-one-run "$(describe_status "$STATUS"); $(grep -vc 'problem' "$OUT") lines without problems"
fi

# Garbage never crashes.
printf '\0\377{[' >"$B/../garbage.replies"
printf '[\n  1\n]\n\n"x"\n\n{}\n' >"$B/../odd.replies"
: >"$B/../empty.replies"
run_qapic replies check "$B/../garbage.replies" "$B/../odd.replies" "$B/../empty.replies"
if [ "$STATUS" -eq 1 ]; then pass replies/garbage; else fail replies/garbage "$(describe_status "$STATUS")"; fi
run_qapic replies fix --check "$B/../garbage.replies" "$B/../odd.replies" "$B/../empty.replies"
if [ "$STATUS" -eq 1 ]; then pass replies/garbage-fix; else fail replies/garbage-fix "$(describe_status "$STATUS")"; fi

expect_exit replies/missing-file 2 replies check "$B/nonexistent.replies" &&
    grep_out replies/missing-file-message 'nonexistent' "$ERR"

# --- fix ----------------------------------------------------------------------------

F=$TMPDIR/fix
mkdir -p "$F"
for n in id-changed indent4 crlf trailing-blank no-final-newline reply-id \
         separator-space no-separator non-ascii missing-comma; do
    cp "$B/$n.replies" "$F/"
done
chmod 600 "$F/crlf.replies"
expect_exit replies/fix-check-reports 1 replies fix --check "$F/id-changed.replies" &&
    cmp -s "$F/id-changed.replies" "$B/id-changed.replies" &&
    pass replies/fix-check-changes-nothing
cp "$F/missing-comma.replies" "$TMPDIR/missing-comma.orig"
expect_exit replies/fix 1 replies fix "$F"/*.replies
for n in id-changed indent4 crlf trailing-blank no-final-newline reply-id \
         separator-space no-separator; do
    if cmp -s "$F/$n.replies" "$S"; then
        pass "replies/fix/$n"
    else
        fail "replies/fix/$n" "the rewritten file differs from the original dump"
    fi
done
expect_exit replies/fix/non-ascii-then-clean 0 replies check "$F/non-ascii.replies"
if cmp -s "$F/missing-comma.replies" "$TMPDIR/missing-comma.orig"; then
    pass replies/fix/unparsable-untouched
else
    fail replies/fix/unparsable-untouched "a file with a syntax error was changed"
fi
if [ "$(stat -c %a "$F/crlf.replies")" = 600 ]; then
    pass replies/fix/keeps-mode
else
    fail replies/fix/keeps-mode "mode is $(stat -c %a "$F/crlf.replies")"
fi

# --- validate ---------------------------------------------------------------------

MIGRATE='{"execute":"migrate","arguments":{"channels":[{"channel-type":"main","addr":{"transport":"socket","type":"inet","host":"127.0.0.1","port":"4444"}}]}}'
if [ -f "$R/caps_10.0.0_x86_64.replies" ]; then
    expect_exit replies/validate-migrate-channels-10.0 0 \
        replies validate "$R/caps_10.0.0_x86_64.replies" "$MIGRATE"
    expect_exit replies/validate-port-number 1 \
        replies validate "$R/caps_10.0.0_x86_64.replies" "${MIGRATE/\"4444\"/4444}" &&
        grep_out replies/validate-port-number-path \
            'arguments\.channels\[0\]\.addr\.port: expected string, got number' "$ERR"
    printf '%s\n%s\n' "$MIGRATE" '{"execute": "query-nothing"}' >"$TMPDIR/cmds.json"
    $QAPIC_WRAPPER "$QAPIC" replies validate "$R/caps_10.0.0_x86_64.replies" - \
        <"$TMPDIR/cmds.json" >"$OUT" 2>"$ERR"
    if [ $? -eq 1 ] && grep -q 'command 1 (migrate): valid' "$OUT" &&
       grep -q "unknown command 'query-nothing'" "$ERR"; then
        pass replies/validate-stdin
    else
        fail replies/validate-stdin "$(head -n 1 "$ERR")"
    fi
    expect_exit replies/schema 0 replies schema "$R/caps_10.0.0_x86_64.replies" &&
        grep_out replies/schema-output '"name": "query-qmp-schema"'
fi
if [ -f "$R/caps_8.1.0_x86_64.replies" ]; then
    expect_exit replies/validate-migrate-channels-8.1 1 \
        replies validate "$R/caps_8.1.0_x86_64.replies" "$MIGRATE" &&
        grep_out replies/validate-migrate-channels-8.1-message \
            "arguments\.channels: unknown member 'channels'" "$ERR"
fi

# migrate-incoming's exit-on-error is valid from the 9.1.0 dumps on.
INCOMING='{"execute":"migrate-incoming","arguments":{"uri":"tcp:0:4444","exit-on-error":false}}'
for f in "$R"/caps_*.replies; do
    base=$(basename "$f" .replies)
    ver=${base#caps_}
    ver=${ver%%_*}
    IFS=. read -r major minor _ <<<"$ver"
    if [ "$major" -gt 9 ] || { [ "$major" -eq 9 ] && [ "$minor" -ge 1 ]; }; then
        want=0
    else
        want=1
    fi
    expect_exit "replies/exit-on-error/$base" "$want" replies validate "$f" "$INCOMING"
done
