# The example programs of examples/ against real QEMUs: qmp-migrate
# migrates one QEMU into another (channels or a URI, as each QEMU
# supports), qmp-shell runs commands by name, typed.  Skipped loudly
# without the bindings (no QEMU schema) or without a QEMU binary.  Every
# QEMU is started with PR_SET_PDEATHSIG (setpriv), so it dies with this
# script however it ends, and is torn down by PID at the end.
. "$TOP/tests/stages/lib.sh"

loud_skip() {
    skip "$1" "$2"
    printf '*** SKIP: %s: %s\n' "$1" "$2" >&2
}

if [ -z "${EXAMPLES:-}" ] || [ ! -x "$EXAMPLES/qmp-migrate" ]; then
    loud_skip examples "not built: no QEMU schema to generate their bindings from (QMP_SCHEMA='${QMP_SCHEMA:-}')"
    exit 0
fi
MIGRATE=$EXAMPLES/qmp-migrate
SHELL_EX=$EXAMPLES/qmp-shell

# Usage errors need no QEMU.
# shellcheck disable=SC2086
ex() { $QAPIC_WRAPPER "$@" >"$OUT" 2>"$ERR" </dev/null; STATUS=$?; }
expect_status() {
    local name=$1 want=$2
    shift 2
    ex "$@"
    if [ "$STATUS" -eq "$want" ]; then pass "$name"; else
        fail "$name" "expected exit $want, got $(describe_status "$STATUS"): $(head -n 2 "$ERR" | tr '\n' ' ')"
    fi
}
expect_status examples/migrate-no-arguments 2 "$MIGRATE"
expect_status examples/migrate-help 0 "$MIGRATE" --help
grep_out examples/migrate-help-text 'DESTINATION-QMP-SOCKET'
expect_status examples/migrate-bad-address 2 "$MIGRATE" --address ftp:x a b
grep_out examples/migrate-bad-address-message 'unix:PATH or tcp:HOST:PORT' "$ERR"
expect_status examples/shell-no-arguments 2 "$SHELL_EX"
expect_status examples/shell-bad-policy 2 "$SHELL_EX" --deprecated=maybe x

QEMU_BIN=${QAPIC_TEST_QEMU:-$(command -v qemu-system-x86_64 || true)}
if [ -z "$QEMU_BIN" ] || ! command -v setpriv >/dev/null 2>&1; then
    loud_skip examples/real-qemu "no QEMU binary (install qemu-system-x86 or set QAPIC_TEST_QEMU) or no setpriv"
    exit 0
fi

# Short socket paths: UNIX socket names must stay under 108 bytes.
D=$(mktemp -d /tmp/qapic-ex-XXXXXX)
declare -A PID=()
teardown() {
    local name p
    for name in "${!PID[@]}"; do
        p=${PID[$name]}
        kill -TERM "$p" 2>/dev/null
    done
    sleep 0.2
    for name in "${!PID[@]}"; do
        kill -KILL "${PID[$name]}" 2>/dev/null
        wait "${PID[$name]}" 2>/dev/null
    done
    rm -rf "$D"
}
trap teardown EXIT

# start_qemu NAME [ARGS...]: a QEMU with its QMP socket at $D/NAME.sock.
start_qemu() {
    local name=$1
    shift
    setpriv --pdeathsig KILL "$QEMU_BIN" -M none -nodefaults -display none \
        -accel tcg -chardev "socket,id=qmp0,path=$D/$name.sock,server=on,wait=off" \
        -mon chardev=qmp0,mode=control "$@" </dev/null >"$D/$name.log" 2>&1 &
    PID[$name]=$!
}

# wait_exit NAME: QEMU NAME exited with 0 within 5 s.
wait_exit() {
    local p=${PID[$1]} i
    for i in $(seq 100); do
        kill -0 "$p" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$p" 2>/dev/null; then
        fail "examples/$1-exits" "still running after quit"
        return
    fi
    wait "$p"
    check "examples/$1-exits-with-0" test $? -eq 0
    unset "PID[$1]"
}

# --- qmp-migrate ------------------------------------------------------------

start_qemu src
start_qemu dst -incoming defer
expect_status examples/migrate 0 "$MIGRATE" --timeout 30 "$D/src.sock" "$D/dst.sock"
cp "$OUT" "$D/migrate.out"
grep_out examples/migrate-source-completed '^\[ *[0-9.]+ s\] source: completed' "$D/migrate.out"
grep_out examples/migrate-destination-completed '^\[ *[0-9.]+ s\] destination: completed' "$D/migrate.out"
grep_out examples/migrate-progress-from-events '^\[ *[0-9.]+ s\] source: setup$' "$D/migrate.out"
# Channels where the QEMU has them, a URI otherwise, as its schema says
# (qmp-shell's help marks what the QEMU lacks).
ex "$SHELL_EX" "$D/src.sock" help migrate
want='a URI'
grep '^  \*channels:' "$OUT" | grep -vq 'not in this QEMU' && want=channels
grep_out examples/migrate-chooses-by-schema "source: QEMU .* migration with $want" "$D/migrate.out"
# The destination runs the guest now, the source waits after it.
expect_status examples/shell-destination-status 0 "$SHELL_EX" "$D/dst.sock" query-status
grep_out examples/shell-destination-running '"status": "running"'
expect_status examples/shell-source-status 0 "$SHELL_EX" "$D/src.sock" query-status
grep_out examples/shell-source-postmigrate '"status": "postmigrate"'
expect_status examples/shell-destination-query-migrate 0 "$SHELL_EX" "$D/dst.sock" query-migrate
grep_out examples/shell-destination-completed '"status": "completed"'

# A destination started without -incoming defer refuses, in QEMU's words.
start_qemu plain
start_qemu src2
expect_status examples/migrate-refused 2 "$MIGRATE" --timeout 30 "$D/src2.sock" "$D/plain.sock"
grep_out examples/migrate-refused-message "destination .*migrate-incoming: .*-incoming" "$ERR"

# --- qmp-shell --------------------------------------------------------------

S=$D/plain.sock
expect_status examples/shell-one-command 0 "$SHELL_EX" "$S" query-version
grep_out examples/shell-json-out '"major": [0-9]+'
expect_status examples/shell-typo 1 "$SHELL_EX" "$S" query-status '{"verbose": true}'
grep_out examples/shell-typo-refused "has no argument 'verbose' of 'query-status'|takes no arguments" "$ERR"
expect_status examples/shell-bad-json 1 "$SHELL_EX" "$S" migrate '{"uri": }'
grep_out examples/shell-bad-json-located 'invalid JSON at byte' "$ERR"
expect_status examples/shell-wrong-type 1 "$SHELL_EX" "$S" migrate '{"uri": 5}'
grep_out examples/shell-wrong-type-message 'arguments.uri' "$ERR"
expect_status examples/shell-help 0 "$SHELL_EX" "$S" help query-migrate
grep_out examples/shell-help-returns '^returns MigrationInfo$'
expect_status examples/shell-policy 1 "$SHELL_EX" --unstable=reject "$S" x-query-jit
grep_out examples/shell-policy-message "policy rejects unstable use" "$ERR"
# Lines from standard input, events as they come, quit at the end.
printf '%s\n' stop query-status '# a comment' cont 'quit' >"$D/script"
# shellcheck disable=SC2086
$QAPIC_WRAPPER "$SHELL_EX" "$S" <"$D/script" >"$OUT" 2>"$ERR"
check examples/shell-script-status test $? -eq 0
grep_out examples/shell-script-paused '"status": "paused"'
grep_out examples/shell-script-events '^event STOP \{\}$'
grep_out examples/shell-script-shutdown '^event SHUTDOWN .*host-qmp-quit'
wait_exit plain

# quit through the shell ends the other QEMUs too.
for q in src dst src2; do
    expect_status "examples/shell-quit-$q" 0 "$SHELL_EX" "$D/$q.sock" quit
    wait_exit $q
done
