# qapic probe: the command line; fake "QEMUs" (shell scripts, the only way
# to have a QEMU that never answers or dies on cue) for the time limit,
# failures and a probe killed with -9; then the real QEMU: the default
# sequence, a replayed dump, --connect, the diff against the recorded
# 10.0 dump.  Every QEMU the probe starts goes through a wrapper that
# notes its pid, and the stage checks at the end that none survived.
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR/probe
mkdir -p "$T"
PIDS=$T/pids               # what the current test started
ALL=$T/all-pids            # everything, for the cleanup
: >"$PIDS"
: >"$ALL"
OWN_QEMUS=""

# alive PID: the process runs (a zombie is dead: only its reaping is left).
alive() {
    local state
    state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$state" ] && [ "$state" != Z ]
}

# wait_dead PID: waits up to 5 s for PID to end; status 0 when it did.
wait_dead() {
    local i
    for i in $(seq 50); do
        alive "$1" || return 0
        sleep 0.1
    done
    return 1
}

cleanup() {
    local p
    for p in $(cat "$ALL" 2>/dev/null) $OWN_QEMUS; do
        alive "$p" && kill -9 "$p" 2>/dev/null
    done
}
trap cleanup EXIT

# --- the command line ----------------------------------------------------------

expect_exit probe/help 0 help probe &&
    grep_out probe/help-text '^usage: qapic probe \[--qemu BINARY\]'
grep_out probe/in-overview '^  probe ' <(run_qapic --help; cat "$OUT")
expect_exit probe/bad-accel 2 probe --accel xen
grep_out probe/bad-accel-message "unknown accelerator 'xen'" "$ERR"
expect_exit probe/bad-timeout 2 probe --timeout 0
expect_exit probe/bad-timeout-text 2 probe --timeout soon
expect_exit probe/operand 2 probe extra
expect_exit probe/connect-and-qemu 2 probe --connect /nonexistent.sock --qemu x
expect_exit probe/empty-output 2 probe -o ''
expect_exit probe/unreadable-sequence 2 probe --sequence "$T/none.replies"
grep_out probe/unreadable-sequence-message "cannot read '.*none\.replies'" "$ERR"
printf '{"return": {}, "id": "libvirt-1"}\n' >"$T/bad.replies"
expect_exit probe/bad-sequence 1 probe --sequence "$T/bad.replies"
grep_out probe/bad-sequence-message 'bad\.replies:1:1: error: entry 1.* is not a command' "$ERR"

# --- fake QEMUs ----------------------------------------------------------------

# One that never answers, noting its pid (exec: the pid stays).
cat >"$T/silent" <<EOF
#!/bin/sh
echo \$\$ | tee -a "$ALL" >>"$PIDS"
exec sleep 600
EOF
# One that fails at once, as QEMU does on a bad option.
cat >"$T/failing" <<EOF
#!/bin/sh
echo "fake-qemu: unsupported machine type" >&2
exit 3
EOF
# One that leaves a child behind that ignores SIGTERM, then never answers.
cat >"$T/forking" <<EOF
#!/bin/sh
(trap '' TERM; exec sleep 600) &
echo \$! | tee -a "$ALL" >>"$PIDS"
echo \$\$ | tee -a "$ALL" >>"$PIDS"
exec sleep 600
EOF
chmod +x "$T/silent" "$T/failing" "$T/forking"

echo old >"$T/kept.replies"
expect_exit probe/timeout 2 probe --qemu "$T/silent" --timeout 1 -o "$T/kept.replies"
grep_out probe/timeout-message "silent did not answer the QMP negotiation before the probe's time limit \(1 s\) ran out" "$ERR"
grep_out probe/timeout-hint 'note: --timeout SECONDS' "$ERR"
check probe/timeout-keeps-output test "$(cat "$T/kept.replies")" = old
pid=$(tail -n 1 "$PIDS")
check probe/timeout-kills-qemu wait_dead "$pid"

expect_exit probe/qemu-fails 2 probe --qemu "$T/failing" -o "$T/kept.replies"
grep_out probe/qemu-fails-status 'note: .*failing exited with status 3' "$ERR"
# QEMU's output, a note a line (made visible: no raw control characters).
grep_out probe/qemu-fails-output '^qapic: note:   fake-qemu: unsupported machine type$' "$ERR"
check probe/qemu-fails-keeps-output test "$(cat "$T/kept.replies")" = old
expect_exit probe/no-binary 2 probe --qemu "$T/no-such-qemu"
grep_out probe/no-binary-message "cannot run .*no-such-qemu: No such file or directory" "$ERR"

: >"$PIDS"
expect_exit probe/timeout-group 2 probe --qemu "$T/forking" --timeout 0.5
ok=yes
for p in $(cat "$PIDS"); do wait_dead "$p" || ok="no: $p runs"; done
check "probe/timeout-kills-what-qemu-started" test "$ok" = yes

# kill -9 of the probe: its QEMU dies with it (PR_SET_PDEATHSIG).
: >"$PIDS"
# shellcheck disable=SC2086
$QAPIC_WRAPPER "$QAPIC" probe --qemu "$T/silent" --timeout 60 >/dev/null 2>&1 &
probe=$!
for _ in $(seq 200); do [ -s "$PIDS" ] && break; sleep 0.02; done
pid=$(head -n 1 "$PIDS")
if [ -n "$pid" ] && alive "$probe"; then
    kill -9 "$probe"
    wait "$probe" 2>/dev/null
    check probe/killed-probe-kills-qemu wait_dead "$pid"
else
    fail probe/killed-probe-kills-qemu "the fake QEMU never started"
fi

# --- the real QEMU -------------------------------------------------------------

QEMU_BIN=${QAPIC_TEST_QEMU:-$(command -v qemu-system-x86_64 || true)}
if [ -z "$QEMU_BIN" ] || [ ! -x "$QEMU_BIN" ]; then
    msg="SKIP: probe/real-qemu (no QEMU binary: install qemu-system-x86 or set QAPIC_TEST_QEMU)"
    printf '%s\n' "$msg"
    printf '*** %s\n' "$msg" >&2
    exit 0
fi
QEMU_BIN=$(readlink -f "$QEMU_BIN")
cat >"$T/qemu" <<EOF
#!/bin/sh
echo \$\$ | tee -a "$ALL" >>"$PIDS"
exec "$QEMU_BIN" "\$@"
EOF
chmod +x "$T/qemu"
: >"$PIDS"

# commands DUMP: its command entries, in order, blank-line separated.
commands() {
    awk 'BEGIN { RS = "" } index($0, "{\n  \"execute\": ") == 1 { print; print "" }' "$1"
}

expect_exit probe/default 0 probe --qemu "$T/qemu" --accel tcg -o "$T/p.replies" &&
    expect_exit probe/default-passes-check 0 replies check "$T/p.replies"
check probe/default-starts-with-negotiation \
    test "$(head -n 4 "$T/p.replies" | tr -d '\n')" = '{  "execute": "qmp_capabilities",  "id": "libvirt-1"}'
grep_out probe/default-has-schema '^  "execute": "query-qmp-schema",$' "$T/p.replies"
grep_out probe/default-asks-devices '^    "typename": "virtio-blk-pci"$' "$T/p.replies"
grep_out probe/default-asks-cpu '^  "execute": "query-cpu-model-expansion",$' "$T/p.replies"
expect_exit probe/stdout 0 probe --qemu "$T/qemu" --accel tcg
check probe/stdout-same-commands test "$(commands "$OUT")" = "$(commands "$T/p.replies")"

# An accelerator QEMU cannot use here: it fails, and says why.
if [ ! -w /dev/kvm ]; then
    expect_exit probe/no-kvm 2 probe --qemu "$T/qemu" --accel kvm
    grep_out probe/no-kvm-says-why 'note: its output ends with' "$ERR"
fi

# --connect: a QEMU started here, in a private directory.
D=$(mktemp -d /tmp/qapic-probe-XXXXXX)
"$QEMU_BIN" -M none -accel tcg -nodefaults -display none -S \
    -chardev "socket,id=m,path=$D/qmp.sock,server=on,wait=off" \
    -mon chardev=m,mode=control </dev/null >"$D/log" 2>&1 &
qpid=$!
OWN_QEMUS="$qpid"
expect_exit probe/connect 0 probe --connect "$D/qmp.sock" -o "$T/c.replies" &&
    expect_exit probe/connect-passes-check 0 replies check "$T/c.replies"
run_qapic replies schema "$T/p.replies"
cp "$OUT" "$T/p.schema"
run_qapic replies schema "$T/c.replies"
check probe/connect-same-schema cmp -s "$OUT" "$T/p.schema"
check probe/connect-leaves-qemu-running alive "$qpid"
kill "$qpid"
wait "$qpid" 2>/dev/null
rm -rf "$D"
expect_exit probe/connect-nothing-there 2 probe --connect "$T/none.sock" --timeout 1

# kill -9 of the probe while a real QEMU answers it: the probe is frozen
# once its QEMU runs (so that it cannot be done already), then killed.
# (Freezing QEMU instead would not do: a stopped process whose group is
# orphaned gets SIGHUP anyway, PR_SET_PDEATHSIG or not.)
killed=""
for attempt in 1 2 3; do
    : >"$PIDS"
    # shellcheck disable=SC2086
    $QAPIC_WRAPPER "$QAPIC" probe --qemu "$T/qemu" --accel tcg --timeout 60 >/dev/null 2>&1 &
    probe=$!
    pid=""
    for _ in $(seq 500); do
        pid=$(head -n 1 "$PIDS")
        [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$QEMU_BIN" ] && break
        sleep 0.01
    done
    kill -STOP "$probe" 2>/dev/null
    if [ -n "$pid" ] && alive "$probe" && alive "$pid"; then
        kill -9 "$probe"
        wait "$probe" 2>/dev/null
        killed=$pid
        break
    fi
    wait "$probe" 2>/dev/null   # it finished first: again
done
if [ -n "$killed" ]; then
    check probe/killed-probe-kills-real-qemu wait_dead "$killed"
else
    fail probe/killed-probe-kills-real-qemu "the probe always finished before its QEMU could be frozen"
fi

need_corpus "probe against the recorded dumps" || exit 0
R=$CORPUS/replies

# Replaying the recorded 10.0 dump asks the same commands, in the same
# order, with the same ids (this QEMU has them all), over two QEMUs.
: >"$PIDS"
expect_exit probe/sequence 0 probe --qemu "$T/qemu" --accel tcg \
    --sequence "$R/caps_10.0.0_x86_64.replies" -o "$T/s.replies" &&
    expect_exit probe/sequence-passes-check 0 replies check "$T/s.replies"
check probe/sequence-same-commands \
    test "$(commands "$T/s.replies")" = "$(commands "$R/caps_10.0.0_x86_64.replies")"
check probe/sequence-nothing-skipped test ! -s "$ERR"
check probe/sequence-two-qemus test "$(wc -l <"$PIDS")" -eq 2

# An aarch64 dump: what this QEMU lacks is skipped and listed.
expect_exit probe/sequence-skips 0 probe --qemu "$T/qemu" --accel tcg \
    --sequence "$R/caps_8.2.0_aarch64.replies" -o "$T/a.replies"
grep_out probe/sequence-skip-listed \
    "caps_8\.2\.0_aarch64\.replies:[0-9]+:1: warning: skipped entry [0-9]+, command 'query-gic-capabilities' \(libvirt-43\): this QEMU lacks it" "$ERR"
check probe/sequence-skips-only-that test "$(grep -c 'warning: skipped' "$ERR")" -eq 1
expect_exit probe/sequence-skips-passes-check 0 replies check "$T/a.replies"
commands "$R/caps_8.2.0_aarch64.replies" |
    awk 'BEGIN { RS = "" } !/query-gic-capabilities/ { print; print "" }' |
    grep -v '"id": ' >"$T/a.want"
commands "$T/a.replies" | grep -v '"id": ' >"$T/a.got"
check probe/sequence-skips-keeps-the-rest cmp -s "$T/a.want" "$T/a.got"

# The diff against the recorded 10.0 dump shows what differs between the
# builds, no more.  Its exact content is known for Debian's 10.0 build.
if grep -q '"package": "Debian 1:10\.0' "$T/p.replies"; then
    expect_exit probe/diff-recorded 0 diff "$R/caps_10.0.0_x86_64.replies" "$T/p.replies"
    grep_out probe/diff-versions '^QEMU 10\.0\.0 -> QEMU 10\.0\.2$'
    check probe/diff-only-build-commands test "$(grep '^command ' "$OUT" | tr '\n' ' ')" = \
        "command blockdev-add command blockdev-create command blockdev-reopen command query-audiodevs command query-blockstats command query-display-options command x-blockdev-amend "
    # CONFIG_BLKIO (libblkio drivers: recorded build only), CONFIG_AUDIO_JACK,
    # CONFIG_AUDIO_PIPEWIRE and CONFIG_GTK (Debian's only).
    check probe/diff-only-build-options test -z "$(grep -E '^  (breaking|expected|notice|compatible) ' "$OUT" |
        grep -Ev "(io_uring|nvme-io_uring|virtio-blk-vfio-pci|virtio-blk-vhost-user|virtio-blk-vhost-vdpa|jack|pipewire|gtk)'")"
    # The same from the source: 10.0's schema built with Debian's symbols
    # differs only by the member the source's newer stable release added.
    E=$CORPUS/qemu-10.0/expected
    grep -vx 'CONFIG_BLKIO' "$E/config-x86_64.txt" >"$T/debian.cfg"
    printf 'CONFIG_AUDIO_JACK\nCONFIG_AUDIO_PIPEWIRE\nCONFIG_GTK\n' >>"$T/debian.cfg"
    expect_exit probe/diff-source 0 diff --std=qemu-10.0 --old-config "$T/debian.cfg" \
        "$CORPUS/qemu-10.0/qapi/qapi-schema.json" "$T/p.replies"
    grep_out probe/diff-source-only-delay-ns \
        '^3 changes in 3 commands and 0 events: 3 breaking, 0 expected, 0 notices, 0 compatible$'
    check probe/diff-source-delay-ns test "$(grep -c "optional member 'delay-ns' removed" "$OUT")" -eq 3
else
    msg="SKIP: probe/diff-recorded (the QEMU here is not Debian's 10.0 build, whose differences this test knows)"
    printf '%s\n' "$msg"
    printf '*** %s\n' "$msg" >&2
fi

# No QEMU the probe started survives.
ok=yes
for p in $(cat "$PIDS"); do wait_dead "$p" || ok="no: $p runs"; done
check probe/no-qemu-survives test "$ok" = yes
