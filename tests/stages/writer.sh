# The one output writer (src/base/output.c), seen from the command line:
# what "-o FILE" and "replies fix" do to each kind of path.  Symbolic links
# are written through, FIFOs and devices written in place, never replaced;
# regular files replaced atomically with owner, mode, extended attributes
# and ACL kept and the directory synced; hard-linked, read-only and
# foreign files refused, and those whose attributes cannot be kept.
# Every path here is private to the test: device nodes and links to
# /proc/self/fd are made in the scratch directory, never taken from /dev.
. "$TOP/tests/stages/lib.sh"

T=$TMPDIR/w
rm -rf "$T"
mkdir -p "$T"
printf "{ 'enum': 'Color', 'data': [ 'red' ] }\n" >"$T/s.json"
# A dump that is not canonical (so "replies fix" rewrites it), and its
# canonical form, by qapic itself.
small_dump "$T/raw.replies"
cp "$T/raw.replies" "$T/canon.replies"
run_qapic replies fix "$T/canon.replies"
run_qapic introspect "$T/s.json"
cp "$OUT" "$T/intro.want"

is_root() { [ "$(id -u)" = 0 ]; }
same_inode() { [ "$(stat -c %d:%i "$1")" = "$(stat -c %d:%i "$2")" ]; }
no_temporary() {
    check "writer: $1: no temporary file left" \
        test -z "$(find "$T" -name '.qapic-*' -print)"
}

# --- symbolic links: the target is written, the link stays -------------------

echo old >"$T/target.json"
ln -s target.json "$T/link.json"
expect_exit "writer: -o through a symlink" 0 introspect -o "$T/link.json" "$T/s.json"
check "writer: -o symlink stays a symlink" test -L "$T/link.json"
check "writer: -o symlink target written" cmp -s "$T/target.json" "$T/intro.want"

ln -s made.json "$T/dangling.json"
expect_exit "writer: -o through a dangling symlink" 0 introspect -o "$T/dangling.json" "$T/s.json"
check "writer: dangling symlink stays" test -L "$T/dangling.json"
check "writer: dangling symlink target created" cmp -s "$T/made.json" "$T/intro.want"

mkdir -p "$T/dumps"
cp "$T/raw.replies" "$T/dumps/real.replies"
ln -s dumps/real.replies "$T/linked.replies"
expect_exit "writer: fix through a symlink" 0 replies fix "$T/linked.replies" &&
    grep_out "writer: fix through a symlink says rewritten" 'linked\.replies: rewritten$'
check "writer: fix keeps the symlink" test -L "$T/linked.replies"
check "writer: fix rewrites the link's target" cmp -s "$T/dumps/real.replies" "$T/canon.replies"
expect_exit "writer: fixed target is canonical" 0 replies fix --check "$T/linked.replies"

ln -s loop2 "$T/loop1"
ln -s loop1 "$T/loop2"
expect_exit "writer: symlink loop" 2 introspect -o "$T/loop1" "$T/s.json" &&
    grep_out "writer: symlink loop message" "cannot write '.*loop1': Too many levels of symbolic links" "$ERR"

# --- FIFOs, devices, our own descriptors: written in place -------------------

mkfifo "$T/fifo"
# The test holds the FIFO open for reading and writing, so that neither
# the reader nor qapic waits for the other, and the reader sees the end
# once both have closed it (also when qapic never opened it).  The reader
# gets a descriptor opened before it starts: opening by name itself, it
# could come too late and wait for a writer forever.
exec 3<>"$T/fifo"
exec 4<"$T/fifo"
cat <&4 >"$T/fifo.out" 3>&- 4>&- &
reader=$!
exec 4<&-
timeout 20 "$QAPIC" introspect -o "$T/fifo" "$T/s.json" >"$OUT" 2>"$ERR"
STATUS=$?
exec 3>&-
wait "$reader"
check "writer: -o FIFO exits 0" test "$STATUS" -eq 0
check "writer: -o FIFO stays a FIFO" test -p "$T/fifo"
check "writer: -o FIFO reader gets the text" cmp -s "$T/fifo.out" "$T/intro.want"

ln -s /proc/self/fd/1 "$T/stdout"
expect_exit "writer: -o a link to standard output" 0 introspect -o "$T/stdout" "$T/s.json"
check "writer: -o standard output gets the text" cmp -s "$OUT" "$T/intro.want"
check "writer: -o standard output link stays" test -L "$T/stdout"
"$QAPIC" introspect -o "$T/stdout" "$T/s.json" 2>"$ERR" | cat >"$T/piped"
check "writer: -o standard output, a pipe" cmp -s "$T/piped" "$T/intro.want"
# Standard output closed: writing to it fails, nothing takes its place.
"$QAPIC" introspect -o "$T/stdout" "$T/s.json" >&- 2>"$ERR"
check "writer: -o a closed standard output exits 2" test $? -eq 2
grep_out "writer: -o a closed standard output says so" "cannot write '.*stdout': Bad file descriptor" "$ERR"
check "writer: -o a closed standard output: the link stays" test -L "$T/stdout"

# Device nodes, for root (mknod): copies of /dev/full and /dev/null.
if is_root && mknod "$T/full" c 1 7 2>/dev/null && mknod "$T/null" c 1 3 2>/dev/null; then
    expect_exit "writer: -o a full device exits 2" 2 introspect -o "$T/full" "$T/s.json" &&
        grep_out "writer: -o a full device says so" \
            "cannot write '.*/full': No space left on device" "$ERR"
    check "writer: -o a full device is not replaced" test -c "$T/full"
    expect_exit "writer: -o a null device" 0 introspect -o "$T/null" "$T/s.json"
    check "writer: -o a null device is not replaced" test -c "$T/null"
else
    skip "writer: device nodes" "needs root and a file system that allows mknod"
fi

expect_exit "writer: -o a directory" 2 introspect -o "$T/dumps" "$T/s.json" &&
    grep_out "writer: -o a directory message" "cannot write '.*dumps': Is a directory" "$ERR"
check "writer: -o a directory stays" test -d "$T/dumps"

# --- regular files: atomic, owner and mode kept, directory synced ------------

cp "$T/raw.replies" "$T/mode.replies"
chmod 0640 "$T/mode.replies"
expect_exit "writer: fix keeping the mode" 0 replies fix "$T/mode.replies"
check "writer: mode 0640 kept" test "$(stat -c %a "$T/mode.replies")" = 640

if is_root; then
    cp "$T/raw.replies" "$T/owned.replies"
    chown 65534:65534 "$T/owned.replies"
    chmod 0604 "$T/owned.replies"
    expect_exit "writer: fix another user's dump as root" 0 replies fix "$T/owned.replies"
    check "writer: owner and group kept" test "$(stat -c %u:%g:%a "$T/owned.replies")" = 65534:65534:604
    check "writer: owner kept, content rewritten" cmp -s "$T/owned.replies" "$T/canon.replies"
else
    skip "writer: owner kept" "needs root to own another user's file"
fi

# The rename is followed by an fsync of the directory that holds it.
if command -v strace >/dev/null 2>&1; then
    cp "$T/raw.replies" "$T/dumps/sync.replies"
    strace -f -qq -e trace=openat,rename,renameat,renameat2,fsync -o "$T/trace" \
        "$QAPIC" replies fix "$T/dumps/sync.replies" >/dev/null 2>&1
    dirfd=$(sed -n '/rename.*sync\.replies/,$p' "$T/trace" |
            sed -n 's/.*openat([^"]*"[^"]*dumps", [^)]*O_DIRECTORY[^)]*) = \([0-9]*\)$/\1/p' | head -n 1)
    if [ -n "$dirfd" ] && sed -n '/rename.*sync\.replies/,$p' "$T/trace" | grep -q "fsync($dirfd)"; then
        pass "writer: directory synced after the rename"
    else
        fail "writer: directory synced after the rename" "no fsync of the directory after rename in the trace"
    fi
else
    skip "writer: directory synced" "no strace"
fi

# --- refused: hard links, read-only files, files the caller cannot keep ------

cp "$T/raw.replies" "$T/hard.replies"
ln "$T/hard.replies" "$T/hard2.replies"
expect_exit "writer: fix a hard-linked dump is refused" 2 replies fix "$T/hard.replies" &&
    grep_out "writer: hard links message" "'.*hard\.replies' has 2 hard links" "$ERR"
check "writer: hard links not split" same_inode "$T/hard.replies" "$T/hard2.replies"
check "writer: hard-linked dump unchanged" cmp -s "$T/hard.replies" "$T/raw.replies"
expect_exit "writer: --force does not split hard links" 2 replies fix --force "$T/hard.replies"
check "writer: hard links still one file" same_inode "$T/hard.replies" "$T/hard2.replies"

cp "$T/raw.replies" "$T/ro.replies"
chmod 0444 "$T/ro.replies"
expect_exit "writer: fix a read-only dump is refused" 2 replies fix "$T/ro.replies" &&
    grep_out "writer: read-only message" "'.*ro\.replies' is read-only \(mode 0444\); not rewritten" "$ERR"
grep_out "writer: read-only hint" "note: --force rewrites read-only files" "$ERR"
grep_out "writer: read-only says not rewritten" 'ro\.replies' "$ERR"
check "writer: read-only dump unchanged" cmp -s "$T/ro.replies" "$T/raw.replies"
expect_exit "writer: fix --force a read-only dump" 0 replies fix --force "$T/ro.replies"
check "writer: --force rewrote it" cmp -s "$T/ro.replies" "$T/canon.replies"
check "writer: --force kept mode 0444" test "$(stat -c %a "$T/ro.replies")" = 444

echo old >"$T/ro.json"
chmod 0444 "$T/ro.json"
expect_exit "writer: -o a read-only file is refused" 2 introspect -o "$T/ro.json" "$T/s.json"
check "writer: read-only -o file unchanged" test "$(cat "$T/ro.json")" = old
expect_exit "writer: -o --force a read-only file" 0 introspect --force -o "$T/ro.json" "$T/s.json"
check "writer: -o --force wrote it" cmp -s "$T/ro.json" "$T/intro.want"
expect_exit "writer: --force needs no file" 0 introspect --force "$T/s.json"
expect_exit "writer: --force is fix's only" 2 replies check --force "$T/canon.replies"

# Another user (nobody) may not take over root's dump in a directory it can
# write to: the rename would work, the owner would change.
if is_root && command -v setpriv >/dev/null 2>&1; then
    mkdir -m 0777 "$T/shared"
    cp "$T/raw.replies" "$T/shared/roots.replies"
    chmod 0666 "$T/shared/roots.replies"
    as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$QAPIC" "$@" >"$OUT" 2>"$ERR"; }
    as_nobody replies fix "$T/shared/roots.replies"
    check "writer: a foreign dump is refused" test $? -eq 2
    grep_out "writer: foreign dump message" "belongs to user 0, group 0, which a rewrite by you cannot keep" "$ERR"
    check "writer: foreign dump unchanged" cmp -s "$T/shared/roots.replies" "$T/raw.replies"
    check "writer: foreign dump still root's" test "$(stat -c %u "$T/shared/roots.replies")" = 0
    chmod 0644 "$T/shared/roots.replies"
    as_nobody replies fix "$T/shared/roots.replies"
    check "writer: a dump not writable for the caller is refused" test $? -eq 2
    grep_out "writer: not writable message" "is not writable for you; not rewritten" "$ERR"
else
    skip "writer: foreign files" "needs root and setpriv"
fi

# --- extended attributes and ACLs: kept, or the rewrite refused -------------

if ! command -v setfattr >/dev/null 2>&1 || ! command -v getfattr >/dev/null 2>&1; then
    skip "writer: extended attributes" "no setfattr/getfattr (package attr)"
    printf '*** SKIP: writer: extended attributes: install the attr package\n' >&2
elif ! { : >"$T/probe" && setfattr -n user.qapic -v 1 "$T/probe" 2>/dev/null; }; then
    skip "writer: extended attributes" "no user extended attributes in $T"
else
    cp "$T/raw.replies" "$T/xattr.replies"
    setfattr -n user.origin -v lab-7 "$T/xattr.replies"
    expect_exit "writer: fix a dump with an extended attribute" 0 replies fix "$T/xattr.replies"
    check "writer: ... rewritten" cmp -s "$T/xattr.replies" "$T/canon.replies"
    check "writer: ... the attribute kept" \
        test "$(getfattr --only-values -n user.origin "$T/xattr.replies" 2>/dev/null)" = lab-7
    if command -v setfacl >/dev/null 2>&1 && command -v getfacl >/dev/null 2>&1; then
        cp "$T/raw.replies" "$T/acl.replies"
        chmod 0600 "$T/acl.replies"
        setfacl -m u:65534:rw "$T/acl.replies"
        getfacl -cp "$T/acl.replies" >"$T/acl.want" 2>/dev/null
        expect_exit "writer: fix a dump with an ACL" 0 replies fix "$T/acl.replies"
        getfacl -cp "$T/acl.replies" >"$T/acl.got" 2>/dev/null
        check "writer: ... the ACL kept" cmp -s "$T/acl.got" "$T/acl.want"
        check "writer: ... with its mask as the group bits" \
            test "$(stat -c %a "$T/acl.replies")" = 660
        # A directory with a default ACL: what a file without one gets
        # replaced with has none either; a new file takes the default.
        mkdir "$T/dacl"
        setfacl -d -m u:65534:r "$T/dacl"
        cp "$T/raw.replies" "$T/dacl/plain.replies"
        setfacl -b "$T/dacl/plain.replies"
        expect_exit "writer: fix a dump without an ACL under a default ACL" 0 \
            replies fix "$T/dacl/plain.replies"
        check "writer: ... it gets no ACL" \
            test -z "$(getfattr -n system.posix_acl_access "$T/dacl/plain.replies" 2>/dev/null)"
        expect_exit "writer: -o a new file under a default ACL" 0 introspect -o "$T/dacl/new.json" "$T/s.json"
        check "writer: ... it takes the default" grep -q 'user:65534:r' <(getfacl -cn "$T/dacl/new.json" 2>/dev/null)
    else
        skip "writer: ACLs" "no setfacl/getfacl (package acl)"
        printf '*** SKIP: writer: ACLs: install the acl package\n' >&2
    fi
    # An attribute that only root may set (security.*): nobody's rewrite
    # of its own file could not keep it, so it is refused, unless forced.
    if is_root && command -v setpriv >/dev/null 2>&1 &&
        cp "$T/raw.replies" "$T/shared/label.replies" &&
        setfattr -n security.qapic -v 1 "$T/shared/label.replies" 2>/dev/null; then
        chown 65534:65534 "$T/shared/label.replies"
        as_nobody replies fix "$T/shared/label.replies"
        check "writer: an attribute the caller cannot set: refused" test $? -eq 2
        grep_out "writer: ... says which" "has the extended attribute 'security\.qapic', which a rewrite by you cannot keep" "$ERR"
        grep_out "writer: ... hints at --force" "note: --force rewrites files without the extended attributes" "$ERR"
        check "writer: ... unchanged" cmp -s "$T/shared/label.replies" "$T/raw.replies"
        as_nobody replies fix --force "$T/shared/label.replies"
        check "writer: ... forced: rewritten" test $? -eq 0
        check "writer: ... forced: without it" \
            test -z "$(getfattr -n security.qapic "$T/shared/label.replies" 2>/dev/null)"
    else
        skip "writer: attributes that cannot be kept" "needs root, setpriv and security.* attributes"
    fi
fi

no_temporary "refusals"

# --- generated files: the same writer, all or nothing ------------------------

# gen_tree DIR: a fresh "gen c" of s.json into DIR, kept as DIR.want.
G=$T/gen
gen_tree() {
    rm -rf "$1" "$1.want"
    run_qapic gen c --prefix t -o "$1" "$T/s.json"
    cp -a "$1" "$1.want"
}
# stale DIR: every generated file of DIR made out of date (so that a new
# run rewrites all of them), the stale tree kept as DIR.stale.
stale() {
    local f
    for f in "$1"/*; do echo "/* stale */" >>"$f"; done
    rm -rf "$1.stale"
    cp -a "$1" "$1.stale"
}
same_tree() { diff -r "$1" "$2" >/dev/null; }

gen_tree "$G"
stale "$G"
mv "$G/t.h" "$G/t-real.h"
ln -s t-real.h "$G/t.h"
chmod 0640 "$G/t-schema.c"
expect_exit "writer: gen c rewrites stale files" 0 gen c --prefix t -o "$G" "$T/s.json"
check "writer: gen c through a symlink keeps it" test -L "$G/t.h"
check "writer: gen c through a symlink writes its target" cmp -s "$G/t-real.h" "$G.want/t.h"
check "writer: gen c keeps a file's mode" test "$(stat -c %a "$G/t-schema.c")" = 640
check "writer: gen c rewrote the others" cmp -s "$G/t-types.h" "$G.want/t-types.h"

# A read-only or hard-linked output refuses the whole set: not one file
# changes, none is left behind.
gen_tree "$G"
stale "$G"
chmod 0444 "$G/t-types.h"
expect_exit "writer: gen c with a read-only output is refused" 2 gen c --prefix t -o "$G" "$T/s.json" &&
    grep_out "writer: gen c read-only message" "'.*t-types\.h' is read-only \(mode 0444\); not rewritten" "$ERR"
grep_out "writer: gen c read-only hint" "note: --force rewrites read-only files" "$ERR"
check "writer: gen c refused: nothing changed" same_tree "$G" "$G.stale"
no_temporary "gen c refused"
expect_exit "writer: gen c --force" 0 gen c --force --prefix t -o "$G" "$T/s.json"
check "writer: gen c --force wrote the read-only file" cmp -s "$G/t-types.h" "$G.want/t-types.h"
check "writer: gen c --force kept mode 0444" test "$(stat -c %a "$G/t-types.h")" = 444
# Unchanged read-only files are no reason to refuse: nothing is written.
expect_exit "writer: gen c, read-only and up to date" 0 gen c --prefix t -o "$G" "$T/s.json"

gen_tree "$G"
stale "$G"
ln "$G/t-events.c" "$T/events-copy.c"
expect_exit "writer: gen c with a hard-linked output is refused" 2 gen c --prefix t -o "$G" "$T/s.json" &&
    grep_out "writer: gen c hard link message" "t-events\.c' has 2 hard links" "$ERR"
check "writer: gen c hard link refused: nothing changed" same_tree "$G" "$G.stale"
check "writer: gen c hard link not split" same_inode "$G/t-events.c" "$T/events-copy.c"
rm -f "$T/events-copy.c"

# The depfile on a FIFO, on standard output, on a full device.
gen_tree "$G"
rm -f "$T/dep.fifo"
mkfifo "$T/dep.fifo"
exec 3<>"$T/dep.fifo"
exec 4<"$T/dep.fifo"
cat <&4 >"$T/dep.out" 3>&- 4>&- &
reader=$!
exec 4<&-
timeout 20 "$QAPIC" gen c --prefix t -o "$G" --depfile "$T/dep.fifo" "$T/s.json" >"$OUT" 2>"$ERR"
STATUS=$?
exec 3>&-
wait "$reader"
check "writer: gen c --depfile FIFO exits 0" test "$STATUS" -eq 0
check "writer: gen c --depfile FIFO stays a FIFO" test -p "$T/dep.fifo"
grep_out "writer: gen c --depfile FIFO reader gets the rules" 't\.h' "$T/dep.out"
# (Through the test's own link: a writer that replaces what it writes would
# replace that link, never the system's /dev/stdout.)
expect_exit "writer: gen c --depfile standard output" 0 gen c --prefix t -o "$G" --depfile "$T/stdout" "$T/s.json" &&
    grep_out "writer: gen c --depfile on standard output" 't\.h' "$OUT"
if is_root && [ -c "$T/full" ]; then
    stale "$G"
    expect_exit "writer: gen c --depfile a full device exits 2" 2 gen c --prefix t -o "$G" --depfile "$T/full" "$T/s.json" &&
        grep_out "writer: gen c --depfile full says so" "cannot write '.*/full': No space left on device" "$ERR"
    check "writer: gen c --depfile full: no file replaced" same_tree "$G" "$G.stale"
    check "writer: gen c --depfile full: the device stays" test -c "$T/full"
    no_temporary "gen c, full depfile"
else
    skip "writer: gen c --depfile on a full device" "needs root and mknod"
fi

# --- probe: a refused -o is refused before a QEMU is started -----------------

cat >"$T/fake-qemu" <<EOF
#!/bin/sh
echo started >"$T/qemu-started"
exit 3
EOF
chmod +x "$T/fake-qemu"
echo old >"$T/ro-probe.replies"
chmod 0444 "$T/ro-probe.replies"
rm -f "$T/qemu-started"
expect_exit "writer: probe -o a read-only file is refused" 2 probe --qemu "$T/fake-qemu" -o "$T/ro-probe.replies" &&
    grep_out "writer: probe read-only message" "ro-probe\.replies' is read-only" "$ERR"
check "writer: probe refused before starting QEMU" test ! -e "$T/qemu-started"
check "writer: probe read-only file unchanged" test "$(cat "$T/ro-probe.replies")" = old

# --- a disk that fills up in the middle of a generated set ---------------------
# A file system of 2 MiB (tmpfs, in a mount namespace of the test's own, so
# it can never be left mounted) holds the set generated from a small
# schema; of the set of a 3.5 MB one the first file fits, the second not.
# The run fails, says why, and leaves the old set exactly as it was, with
# no temporary file.
python3 -c "import sys; sys.stdout.write(''.join(\"{ 'struct': 'Sx%d', 'data': { 'm%d': 'int', '*n': 'str' } }\n\" % (i, i) for i in range(3000)))" >"$T/big.json"
mkdir -p "$T/small" "$T/large" "$T/disk"
cp "$T/s.json" "$T/small/s.json"
cp "$T/big.json" "$T/large/s.json"
cat >"$T/enospc.sh" <<'INNER'
. "$TOP/tests/stages/lib.sh"
mount -t tmpfs -o size=2m qapic-test "$T/disk" || exit 3
expect_exit "writer: gen c, the small set fits" 0 gen c -o "$T/disk/out" "$T/small/s.json"
cp -a "$T/disk/out" "$T/before"
expect_exit "writer: gen c on a full disk exits 2" 2 gen c -o "$T/disk/out" "$T/large/s.json" &&
    grep_out "writer: gen c on a full disk says so" "No space left on device" "$ERR"
check "writer: gen c on a full disk: the old set unchanged" diff -r "$T/before" "$T/disk/out"
check "writer: gen c on a full disk: no temporary file left" \
    test -z "$(find "$T/disk" -name '.qapic-*' -print)"
umount "$T/disk"
INNER
if is_root && command -v unshare >/dev/null 2>&1 &&
   unshare -m sh -c "mount -t tmpfs -o size=64k qapic-test '$T/disk'" 2>/dev/null; then
    T=$T unshare -m bash "$T/enospc.sh"
    check "writer: the full disk's namespace is gone" test -z "$(ls -A "$T/disk")"
else
    skip "writer: a disk filling up mid-set" "needs root and permission to mount a tmpfs in a mount namespace"
fi
