# The include map of doc/HACKING.md: every #include of the sources points
# down (or within its own layer), never up or sideways.  A folder is a
# layer; grammar/ belongs to the syntax layer.
. "$TOP/tests/stages/lib.sh"

# layer: the layers its files may include (keep in step with HACKING.md).
declare -A may=(
    [base]="base"
    [syntax]="base syntax"
    [schema]="base syntax schema"
    [dumps]="base syntax schema dumps"
    [compat]="base syntax schema dumps compat"
    [gen]="base syntax schema gen"
    [probe]="base syntax schema dumps probe runtime"
    [cli]="base syntax schema dumps compat gen probe cli config"
    [runtime]="runtime"
    [fuzz]="base syntax schema dumps compat gen fuzz runtime bindings"
    [examples]="runtime bindings"
)

# layer_of PATH (relative to TOP): the layer a file belongs to, or "".
layer_of() {
    case $1 in
    src/*/*) local l=${1#src/}; printf '%s' "${l%%/*}" ;;
    grammar/*) printf syntax ;;
    gen/*) printf gen ;;
    runtime/*) printf runtime ;;
    fuzz/*) printf fuzz ;;
    examples/*) printf examples ;;
    esac
}

# Headers made at build time: the scanner's and parser's (grammar/*.l,
# grammar/*.y), config.h (version and corpus, for the program only), and
# the generated bindings of QEMU's schema (qmp.h, for the examples).
generated=" config.h qmp.h "
for g in "$TOP"/grammar/*.l "$TOP"/grammar/*.y; do
    g=${g##*/}
    generated="$generated${g%.*}.h "
done

# resolve FROM NAME QUOTED: the layer of the header NAME as included from
# file FROM; "system" for a header that is not the project's; "?" for a
# quoted name that names no file.
resolve() {
    local from=$1 name=$2 quoted=$3 dir
    dir=$(dirname "$from")
    if [ "$quoted" = yes ] && [ -f "$TOP/$dir/$name" ]; then
        layer_of "$dir/$name"
        return
    fi
    for base in src grammar runtime; do
        if [ -f "$TOP/$base/$name" ]; then
            layer_of "$base/$name"
            return
        fi
    done
    if [ "$quoted" = yes ] && [ -f "$TOP/$name" ]; then
        layer_of "$name"    # gen/x.h, from the top of the tree
        return
    fi
    if [ "$quoted" = yes ] && [[ $generated == *" $name "* ]]; then
        case $name in
        config.h) printf config ;;
        qmp.h) printf bindings ;;
        *) printf syntax ;;
        esac
        return
    fi
    [ "$quoted" = yes ] && printf '?' || printf system
}

files=0 includes=0 bad=0
for d in "$TOP"/src/*/; do
    d=${d%/}
    [ -n "${may[${d##*/}]+x}" ] && continue
    fail "layers: folder src/${d##*/}" "not in the include map (tests/stages/layers.sh, doc/HACKING.md)"
    bad=$((bad + 1))
done

while IFS= read -r f; do
    rel=${f#"$TOP"/}
    from=$(layer_of "$rel")
    files=$((files + 1))
    while IFS=: read -r line text; do
        if [[ $text =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
            name=${BASH_REMATCH[1]} quoted=yes
        elif [[ $text =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\<([^\>]+)\> ]]; then
            name=${BASH_REMATCH[1]} quoted=no
        else
            continue
        fi
        includes=$((includes + 1))
        to=$(resolve "$rel" "$name" "$quoted")
        [ "$to" = system ] && continue
        if [ "$to" = '?' ]; then
            fail "layers: $rel:$line" "includes \"$name\", which is no header of the project"
            bad=$((bad + 1))
        elif [[ " ${may[$from]} " != *" $to "* ]]; then
            fail "layers: $rel:$line" "$from includes $to (\"$name\"); $from may include only: ${may[$from]}"
            bad=$((bad + 1))
        elif [ "$to" = runtime ] && [ "$from" != runtime ] && [[ $name != qapic/* ]]; then
            # Outside the runtime only its installed headers count.
            fail "layers: $rel:$line" "$from includes \"$name\", which is internal to the runtime; use its qapic/*.h"
            bad=$((bad + 1))
        fi
    done < <(grep -n 'include' "$f")
done < <(find "$TOP/src" "$TOP/grammar" "$TOP/gen" "$TOP/runtime" "$TOP/fuzz" "$TOP/examples" \
             -type f \( -name '*.[ch]' -o -name '*.l' -o -name '*.y' \) \
             -not -path "$TOP/grammar/dist/*" 2>/dev/null | sort)

if [ "$bad" -eq 0 ]; then
    pass "layers: $includes includes in $files files follow the include map"
fi
