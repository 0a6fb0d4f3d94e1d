/* Unit tests for src/base/output.c: atomic replacement, modes,
 * write-if-changed, a failed write that leaves the old file alone,
 * symbolic links, hard links, read-only files and extended attributes
 * (ACLs too); and for
 * src/base/utf8.c. */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/output.h"
#include "base/utf8.h"
#include "helpers.h"
#include "skip.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The number of entries of the scratch directory (temporary files left
 * behind would show). */
static int entries(void)
{
    DIR *d = opendir(qc_test_path("."));
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

START_TEST(replaces_keeping_mode)
{
    const char *path = qc_test_path("out.txt");
    qc_test_write_file("out.txt", "old\n");
    ck_assert_int_eq(chmod(path, 0640), 0);
    ck_assert(qc_output_write(qc_test_diag, path, "new\n", 4, 0));
    ck_assert_str_eq(slurp(path), "new\n");
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0640);
    ck_assert_int_eq(entries(), 1);
    /* A new file: 0666 less the umask. */
    mode_t mask = umask(022);
    const char *fresh = qc_test_path("fresh.txt");
    ck_assert(qc_output_write(qc_test_diag, fresh, "x", 1, 0));
    umask(mask);
    ck_assert_int_eq(stat(fresh, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0644);
}
END_TEST

START_TEST(write_if_changed)
{
    const char *path = qc_test_path("gen.h");
    bool changed;
    ck_assert(qc_output_write_if_changed(qc_test_diag, path, "abc\n", 4, 0, &changed));
    ck_assert(changed);
    /* Back-date it; the same text again must leave it (and its time). */
    struct stat st;
    ck_assert_int_eq(system(qc_arena_printf(qc_test_arena,
                                            "touch -d '2001-01-01' '%s'", path)), 0);
    ck_assert_int_eq(stat(path, &st), 0);
    time_t before = st.st_mtime;
    ck_assert(qc_output_write_if_changed(qc_test_diag, path, "abc\n", 4, 0, &changed));
    ck_assert(!changed);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq((long)st.st_mtime, (long)before);
    /* Other text (even a prefix of the old) is written. */
    ck_assert(qc_output_write_if_changed(qc_test_diag, path, "ab", 2, 0, &changed));
    ck_assert(changed);
    ck_assert_str_eq(slurp(path), "ab");
    ck_assert_ptr_null(qc_diag_get(qc_test_diag, 0));
}
END_TEST

START_TEST(failure_leaves_the_old_file)
{
    const char *path = qc_test_path("keep.txt");
    qc_test_write_file("keep.txt", "precious\n");
    /* A file size limit makes the write itself fail (EFBIG), whoever we
     * run as. */
    struct rlimit old, small;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = (struct rlimit){ 16, old.rlim_max };
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    char big[100];
    memset(big, 'x', sizeof big);
    bool ok = qc_output_write(qc_test_diag, path, big, sizeof big, 0);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    ck_assert(!ok);
    ck_assert_str_eq(slurp(path), "precious\n");
    ck_assert_int_eq(entries(), 1);                 /* no temporary left */
    ck_assert_str_eq(qc_test_first_code(), "io-error");
    ck_assert_ptr_nonnull(strstr(qc_diagnostic_message(qc_diag_get(qc_test_diag, 0)),
                                 "keep.txt"));
    /* No directory to write in: reported, nothing created. */
    ck_assert(!qc_output_write(qc_test_diag, qc_test_path("no/such/dir/f"), "x", 1, 0));
    ck_assert_uint_eq(qc_diag_error_count(qc_test_diag), 2);
}
END_TEST

START_TEST(through_symlinks)
{
    qc_test_write_file("real.txt", "old\n");
    ck_assert_int_eq(symlink("real.txt", qc_test_path("link.txt")), 0);
    ck_assert(qc_output_write(qc_test_diag, qc_test_path("link.txt"), "new\n", 4, 0));
    struct stat st;
    ck_assert_int_eq(lstat(qc_test_path("link.txt"), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_str_eq(slurp(qc_test_path("real.txt")), "new\n");
    /* A dangling link creates its target. */
    ck_assert_int_eq(symlink("made.txt", qc_test_path("dangling.txt")), 0);
    ck_assert(qc_output_write(qc_test_diag, qc_test_path("dangling.txt"), "x", 1, 0));
    ck_assert_str_eq(slurp(qc_test_path("made.txt")), "x");
    /* Unchanged text through a link: nothing written. */
    bool changed = true;
    ck_assert(qc_output_write_if_changed(qc_test_diag, qc_test_path("link.txt"),
                                         "new\n", 4, 0, &changed));
    ck_assert(!changed);
    ck_assert_int_eq(entries(), 4);         /* no temporary left */
    ck_assert_ptr_null(qc_diag_get(qc_test_diag, 0));
}
END_TEST

START_TEST(refusals)
{
    /* Hard links: refused, forced or not; both names stay one file. */
    qc_test_write_file("a.txt", "old\n");
    ck_assert_int_eq(link(qc_test_path("a.txt"), qc_test_path("b.txt")), 0);
    ck_assert(!qc_output_write(qc_test_diag, qc_test_path("a.txt"), "new\n", 4, 0));
    ck_assert(!qc_output_write(qc_test_diag, qc_test_path("a.txt"), "new\n", 4,
                               QC_OUTPUT_FORCE));
    ck_assert_str_eq(qc_test_first_code(), "io-hard-links");
    ck_assert_str_eq(slurp(qc_test_path("b.txt")), "old\n");
    struct stat st;
    ck_assert_int_eq(stat(qc_test_path("a.txt"), &st), 0);
    ck_assert_uint_eq(st.st_nlink, 2);
    unlink(qc_test_path("b.txt"));
    qc_test_reset_diag();

    /* Read-only: refused (root too), unless forced; the mode is kept. */
    const char *ro = qc_test_path("a.txt");
    ck_assert_int_eq(chmod(ro, 0444), 0);
    ck_assert(!qc_output_write(qc_test_diag, ro, "new\n", 4, 0));
    ck_assert_str_eq(qc_test_first_code(), "io-read-only");
    ck_assert_str_eq(slurp(ro), "old\n");
    /* The same text is no rewrite: nothing to refuse. */
    bool changed = true;
    ck_assert(qc_output_write_if_changed(qc_test_diag, ro, "old\n", 4, 0, &changed));
    ck_assert(!changed);
    ck_assert(qc_output_write(qc_test_diag, ro, "new\n", 4, QC_OUTPUT_FORCE));
    ck_assert_str_eq(slurp(ro), "new\n");
    ck_assert_int_eq(stat(ro, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0444);
    ck_assert_uint_eq(qc_diag_error_count(qc_test_diag), 1);

    /* A directory is no file to write, nor a name ending in '/' (itself,
     * or where a link leads). */
    qc_test_mkdir("dir");
    ck_assert(!qc_output_write(qc_test_diag, qc_test_path("dir"), "x", 1, 0));
    ck_assert_int_eq(entries(), 2);
    qc_test_reset_diag();
    ck_assert(!qc_output_write(qc_test_diag, qc_test_path("new/"), "x", 1, 0));
    ck_assert_str_eq(qc_diagnostic_message(qc_diag_get(qc_test_diag, 0)),
                     qc_arena_printf(qc_test_arena, "cannot write '%s': Is a directory",
                                     qc_test_path("new/")));
    ck_assert_int_eq(symlink("gone/", qc_test_path("link")), 0);
    ck_assert(!qc_output_write(qc_test_diag, qc_test_path("link"), "x", 1, 0));
    ck_assert_int_eq(entries(), 3);
}
END_TEST

START_TEST(owner_kept)
{
    if (geteuid() != 0)
        return;     /* only root can own another user's file */
    const char *path = qc_test_path("owned.txt");
    qc_test_write_file("owned.txt", "old\n");
    ck_assert_int_eq(chown(path, 65534, 65534), 0);
    ck_assert_int_eq(chmod(path, 0604), 0);
    ck_assert(qc_output_write(qc_test_diag, path, "new\n", 4, 0));
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_uid, 65534);
    ck_assert_uint_eq(st.st_gid, 65534);
    ck_assert_uint_eq(st.st_mode & 07777, 0604);
    ck_assert_str_eq(slurp(path), "new\n");
}
END_TEST

/* The value of attribute NAME of PATH as a string ("" when absent). */
static const char *xattr_of(const char *path, const char *name)
{
    static char buf[8192];
    ssize_t n = getxattr(path, name, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

/* A POSIX ACL as the kernel stores it (acl_ea.h): a version, then tag,
 * permissions and id of each entry.  With ID, user ID gets PERM and the
 * mask is PERM; without, only the owner, group and other entries. */
static size_t make_acl(unsigned char *out, long id, unsigned perm)
{
    struct { uint16_t tag, perm; uint32_t id; } e[] = {
        { 0x01, 6, UINT32_MAX },        /* user:: */
        { 0x02, (uint16_t)perm, (uint32_t)id },
        { 0x04, 4, UINT32_MAX },        /* group:: */
        { 0x10, (uint16_t)perm, UINT32_MAX },   /* mask:: */
        { 0x20, 4, UINT32_MAX },        /* other:: */
    };
    uint32_t version = 2;
    size_t n = 0;
    memcpy(out, &version, 4);
    n += 4;
    for (size_t i = 0; i < 5; i++) {
        if (id < 0 && (i == 1 || i == 3))
            continue;
        memcpy(out + n, &e[i].tag, 2);
        memcpy(out + n + 2, &e[i].perm, 2);
        memcpy(out + n + 4, &e[i].id, 4);
        n += 8;
    }
    return n;
}

START_TEST(xattrs_kept)
{
    const char *path = qc_test_path("x.txt");
    qc_test_write_file("x.txt", "old\n");
    if (setxattr(path, "user.qapic", "one", 3, 0) != 0) {
        if (errno == ENOTSUP)
            QC_SKIP("no user extended attributes on this file system");
        ck_abort_msg("setxattr: %s", strerror(errno));
    }
    /* Empty and large values too. */
    char big[3000];
    memset(big, 'b', sizeof big);
    ck_assert_int_eq(setxattr(path, "user.empty", "", 0, 0), 0);
    ck_assert_int_eq(setxattr(path, "user.big", big, sizeof big, 0), 0);
    ck_assert(qc_output_write(qc_test_diag, path, "new\n", 4, 0));
    ck_assert_str_eq(slurp(path), "new\n");
    ck_assert_str_eq(xattr_of(path, "user.qapic"), "one");
    ck_assert_int_eq(getxattr(path, "user.empty", NULL, 0), 0);
    ck_assert_int_eq(getxattr(path, "user.big", NULL, 0), (ssize_t)sizeof big);
    ck_assert_int_eq(entries(), 1);

    /* In a set (generated code) too. */
    ck_assert_int_eq(setxattr(path, "user.qapic", "two", 3, 0), 0);
    qc_output_set *set = qc_output_set_new();
    ck_assert(qc_output_set_add(set, qc_test_diag, path, "newer\n", 6));
    ck_assert(qc_output_set_commit(set, qc_test_diag, NULL));
    ck_assert_str_eq(slurp(path), "newer\n");
    ck_assert_str_eq(xattr_of(path, "user.qapic"), "two");
    ck_assert_uint_eq(qc_diag_error_count(qc_test_diag), 0);
}
END_TEST

START_TEST(acl_kept)
{
    const char *path = qc_test_path("acl.txt");
    unsigned char acl[64];
    size_t n = make_acl(acl, 65534, 6);
    qc_test_write_file("acl.txt", "old\n");
    ck_assert_int_eq(chmod(path, 0600), 0);
    if (setxattr(path, "system.posix_acl_access", acl, n, 0) != 0) {
        if (errno == ENOTSUP || errno == EOPNOTSUPP)
            QC_SKIP("no POSIX ACLs on this file system");
        ck_abort_msg("setting an ACL: %s", strerror(errno));
    }
    struct stat before, after;
    ck_assert_int_eq(stat(path, &before), 0);
    ck_assert(qc_output_write(qc_test_diag, path, "new\n", 4, 0));
    ck_assert_int_eq(stat(path, &after), 0);
    unsigned char got[64];
    ck_assert_int_eq(getxattr(path, "system.posix_acl_access", got, sizeof got),
                     (ssize_t)n);
    ck_assert(!memcmp(got, acl, n));
    /* The group bits are the ACL's mask (rw), as before. */
    ck_assert_uint_eq(after.st_mode & 07777, before.st_mode & 07777);
    ck_assert_uint_eq(after.st_mode & 070, 060);

    /* A file without an ACL in a directory with a default ACL: its
     * replacement does not take the default. */
    const char *plain = qc_test_path("plain.txt");
    qc_test_write_file("plain.txt", "old\n");
    ck_assert_int_eq(setxattr(qc_test_path("."), "system.posix_acl_default",
                              acl, n, 0), 0);
    ck_assert(qc_output_write(qc_test_diag, plain, "new\n", 4, 0));
    ck_assert_int_lt(getxattr(plain, "system.posix_acl_access", NULL, 0), 0);
    ck_assert_int_eq(errno, ENODATA);
    /* A new file does, as any file made there. */
    const char *fresh = qc_test_path("fresh.txt");
    ck_assert(qc_output_write(qc_test_diag, fresh, "new\n", 4, 0));
    ck_assert_int_eq(getxattr(fresh, "system.posix_acl_access", NULL, 0),
                     (ssize_t)n);
    removexattr(qc_test_path("."), "system.posix_acl_default");
}
END_TEST

/* Sets (generated files): each path as qc_output_write treats it, and a
 * refusal of one leaves every file as it was. */
START_TEST(sets)
{
    qc_test_write_file("a.c", "old a\n");
    qc_test_write_file("real.h", "old h\n");
    ck_assert_int_eq(symlink("real.h", qc_test_path("b.h")), 0);
    qc_test_write_file("c.c", "same\n");
    ck_assert_int_eq(chmod(qc_test_path("a.c"), 0640), 0);
    qc_output_set *s = qc_output_set_new();
    ck_assert(qc_output_set_add(s, qc_test_diag, qc_test_path("a.c"), "new a\n", 6));
    ck_assert(qc_output_set_add(s, qc_test_diag, qc_test_path("b.h"), "new h\n", 6));
    ck_assert(qc_output_set_add(s, qc_test_diag, qc_test_path("c.c"), "same\n", 5));
    /* Nothing is in place before the commit. */
    ck_assert_str_eq(slurp(qc_test_path("a.c")), "old a\n");
    size_t n = 0;
    ck_assert(qc_output_set_commit(s, qc_test_diag, &n));
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(slurp(qc_test_path("a.c")), "new a\n");
    ck_assert_str_eq(slurp(qc_test_path("real.h")), "new h\n");
    struct stat st;
    ck_assert_int_eq(lstat(qc_test_path("b.h"), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(stat(qc_test_path("a.c"), &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0640);
    ck_assert_int_eq(entries(), 4);

    /* A read-only file refuses the set: nothing changes, nothing is left. */
    ck_assert_int_eq(chmod(qc_test_path("c.c"), 0444), 0);
    s = qc_output_set_new();
    ck_assert(qc_output_set_add(s, qc_test_diag, qc_test_path("a.c"), "newer\n", 6));
    ck_assert(!qc_output_set_add(s, qc_test_diag, qc_test_path("c.c"), "other\n", 6));
    ck_assert_str_eq(qc_test_first_code(), "io-read-only");
    ck_assert(!qc_output_set_add(s, qc_test_diag, qc_test_path("b.h"), "newer\n", 6));
    ck_assert(!qc_output_set_commit(s, qc_test_diag, NULL));
    ck_assert_str_eq(slurp(qc_test_path("a.c")), "new a\n");
    ck_assert_str_eq(slurp(qc_test_path("c.c")), "same\n");
    ck_assert_int_eq(entries(), 4);
    qc_test_reset_diag();

    /* Forced, it is rewritten, mode kept. */
    s = qc_output_set_new();
    qc_output_set_flags(s, QC_OUTPUT_FORCE);
    ck_assert(qc_output_set_add(s, qc_test_diag, qc_test_path("c.c"), "other\n", 6));
    ck_assert(qc_output_set_commit(s, qc_test_diag, NULL));
    ck_assert_str_eq(slurp(qc_test_path("c.c")), "other\n");
    ck_assert_int_eq(stat(qc_test_path("c.c"), &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0444);

    /* An abort leaves nothing behind. */
    s = qc_output_set_new();
    ck_assert(qc_output_set_add(s, qc_test_diag, qc_test_path("d.c"), "d\n", 2));
    qc_output_set_abort(s);
    ck_assert_int_eq(entries(), 4);
    ck_assert_ptr_null(qc_diag_get(qc_test_diag, 0));
}
END_TEST

/* Files written only when nothing is there (a test skeleton). */
START_TEST(write_new)
{
    bool existed = true;
    const char *path = qc_test_path("mine.c");
    ck_assert(qc_output_write_new(qc_test_diag, path, "first\n", 6, &existed));
    ck_assert(!existed);
    ck_assert_str_eq(slurp(path), "first\n");
    ck_assert(qc_output_write_new(qc_test_diag, path, "second\n", 7, &existed));
    ck_assert(existed);
    ck_assert_str_eq(slurp(path), "first\n");
    /* A dangling link is something there too: neither it nor its target
     * is touched. */
    ck_assert_int_eq(symlink("nowhere.c", qc_test_path("dangling.c")), 0);
    ck_assert(qc_output_write_new(qc_test_diag, qc_test_path("dangling.c"), "x", 1,
                                  &existed));
    ck_assert(existed);
    ck_assert_int_eq(access(qc_test_path("nowhere.c"), F_OK), -1);
    ck_assert(!qc_output_write_new(qc_test_diag, qc_test_path("no/dir/x.c"), "x", 1,
                                   &existed));
    ck_assert(!existed);
    ck_assert_int_eq(entries(), 2);
}
END_TEST

START_TEST(utf8)
{
    uint32_t cp;
    const unsigned char e_acute[] = { 0xc3, 0xa9 }, euro[] = { 0xe2, 0x82, 0xac };
    ck_assert_uint_eq(qc_utf8_decode(e_acute, e_acute + 2, &cp), 2);
    ck_assert_uint_eq(cp, 0xe9);
    ck_assert_uint_eq(qc_utf8_decode(euro, euro + 3, &cp), 3);
    ck_assert_uint_eq(cp, 0x20ac);
    ck_assert_uint_eq(qc_utf8_decode(euro, euro + 2, &cp), 0);     /* cut short */
    static const unsigned char bad[][4] = {
        { 0xc0, 0x80 }, { 0xed, 0xa0, 0x80 }, { 0xf4, 0x90, 0x80, 0x80 }, { 0x80 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_uint_eq(qc_utf8_decode(bad[i], bad[i] + 4, NULL), 0);
    char out[4];
    ck_assert_uint_eq(qc_utf8_encode(0x1f600, out), 4);
    ck_assert(!memcmp(out, "\xf0\x9f\x98\x80", 4));
    ck_assert_uint_eq(qc_utf8_encode(0x7f, out), 1);
    ck_assert_uint_eq(qc_utf8_invalid_at("ok \xc3\xa9 \xff!", 8), 6);
    ck_assert_uint_eq(qc_utf8_invalid_at("fine", 4), 4);
    ck_assert_uint_eq(qc_utf8_count("a\xc3\xa9\xe2\x82\xac", 6), 3);
    ck_assert_uint_eq(qc_utf8_next("a\xc3\xa9z", 1, 4), 3);
}
END_TEST

Suite *qc_suite_output(void)
{
    Suite *s = suite_create("output");
    TCase *tc = tcase_create("output");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, replaces_keeping_mode);
    tcase_add_test(tc, write_if_changed);
    tcase_add_test(tc, failure_leaves_the_old_file);
    tcase_add_test(tc, through_symlinks);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, owner_kept);
    tcase_add_test(tc, xattrs_kept);
    tcase_add_test(tc, acl_kept);
    tcase_add_test(tc, sets);
    tcase_add_test(tc, write_new);
    tcase_add_test(tc, utf8);
    suite_add_tcase(s, tc);
    return s;
}
