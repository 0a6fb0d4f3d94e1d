# Regression cases found by differential mutation testing against QEMU's
# QAPI front end: each tests/data/mutations/*.json states, in comment
# lines "# expect STD: FILE:LINE[:COL]" or "# expect STD: ok", QEMU's
# verdict and first error location.  Only verdict and location are
# compared, never the wording.
. "$TOP/tests/stages/lib.sh"

data=$TOP/tests/data/mutations

# first_location FILE: the first "FILE:LINE[:COL]:" of a qemu-style
# diagnostic, skipping the include chain and "In META 'NAME':" lines.
first_location() {
    sed -n -E '/^In file included from /d
               s/^([^ :][^:]*:[0-9]+(:[0-9]+)?): .*/\1/p' "$1" | head -n 1
}

found=0
for schema in "$data"/*.json; do
    [ -e "$schema" ] || continue
    base=$(basename "$schema")
    while IFS= read -r line; do
        std=${line#'# expect '}
        want=${std#*: }
        std=${std%%:*}
        name="mutations/${base%.json}/$std"
        found=1
        # Run from the data directory, so that locations read as in the
        # expectations.
        (cd "$data" && run_qapic check --diag-format=qemu --std="$std" \
            --max-errors=1 "$base"
         if [ "$want" = ok ]; then
             if [ "$STATUS" -eq 0 ]; then
                 pass "$name"
             else
                 fail "$name" "expected ok, got $(describe_status "$STATUS"): $(head -n 2 "$ERR" | tr '\n' ' ')"
             fi
         elif [ "$STATUS" -ne 1 ]; then
             fail "$name" "expected an error at $want, got $(describe_status "$STATUS")"
         else
             got=$(first_location "$ERR")
             if [ "$got" = "$want" ]; then
                 pass "$name"
             else
                 fail "$name" "expected first error at $want, got ${got:-none}: $(head -n 2 "$ERR" | tr '\n' ' ')"
             fi
         fi)
    done < <(grep -aE '^# expect qemu-[0-9.]+: ' "$schema")
done

[ "$found" -eq 1 ] || fail mutations/inputs "no cases under $data"
