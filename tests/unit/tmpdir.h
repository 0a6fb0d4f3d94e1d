/* A scratch directory per test, for tests that need real files (includes,
 * module names).  Include once per test file; use tmpdir_setup and
 * tmpdir_teardown as the checked fixture. */
#ifndef QC_TEST_TMPDIR_H
#define QC_TEST_TMPDIR_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64];

static void tmpdir_setup(void)
{
    strcpy(dir, "/tmp/qapic-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void tmpdir_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Writes TEXT to NAME (relative to the scratch directory). */
static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

#endif
