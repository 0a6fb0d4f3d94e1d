/* Runs every unit-test suite (tests/unit/test_NAME.c defines
 * Suite *qc_suite_NAME(void)) and prints one line per test (the typed
 * tests of tests/typed/ use this runner too, built with
 * -DQC_TEST_GROUP='"typed"' and their own suites.h):
 *
 *     PASS: unit/SUITE/TEST
 *     FAIL: unit/SUITE/TEST: message
 *
 * A test added with tcase_add_loop_test gets its iteration appended, as in
 * unit/SUITE/TEST[2].  A test that calls QC_SKIP (skip.h) is reported as
 *
 *     SKIP: unit/SUITE/TEST (reason)
 *
 * Exits 1 if any test failed.
 *
 * Usage: unit-tests [SUITE...]   (no argument: all suites)
 * Check's own variables work too: CK_FORK=no (for gdb), CK_RUN_CASE,
 * CK_VERBOSITY (when set, Check's own report is printed as well). */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef QC_TEST_GROUP
#define QC_TEST_GROUP "unit"
#endif

#define QC_SUITE(name) Suite *qc_suite_##name(void);
#include "suites.h"
#undef QC_SUITE

static const struct {
    const char *name;
    Suite *(*make)(void);
} suites[] = {
#define QC_SUITE(name) { #name, qc_suite_##name },
#include "suites.h"
#undef QC_SUITE
    { NULL, NULL },
};

struct result {
    char *test;
    char *msg;          /* NULL when passed */
    int iter;           /* index among results of the same test name */
};

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* Parses Check's TAP output: "ok N - FILE:TCASE:TEST: MESSAGE". */
static size_t read_tap(const char *path, struct result **out)
{
    FILE *f = fopen(path, "r");
    struct result *r = NULL;
    size_t n = 0, cap = 0;
    char line[8192];

    if (!f)
        return 0;
    while (fgets(line, sizeof line, f)) {
        bool ok;
        char *p;

        chomp(line);
        if (!strncmp(line, "ok ", 3))
            ok = true;
        else if (!strncmp(line, "not ok ", 7))
            ok = false;
        else
            continue;
        p = strstr(line, " - ");
        if (!p)
            continue;
        p += 3;
        /* Skip FILE and TCASE. */
        for (int i = 0; i < 2 && p; i++) {
            p = strchr(p, ':');
            if (p)
                p++;
        }
        if (!p)
            continue;
        char *colon = strstr(p, ": ");
        if (colon)
            *colon = '\0';
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            r = realloc(r, cap * sizeof *r);
            if (!r) {
                perror("unit-tests");
                exit(2);
            }
        }
        r[n].test = strdup(p);
        r[n].msg = ok ? NULL : strdup(colon ? colon + 2 : "failed");
        r[n].iter = 0;
        for (size_t j = 0; j < n; j++)
            if (!strcmp(r[j].test, p))
                r[n].iter++;
        n++;
    }
    fclose(f);
    *out = r;
    return n;
}

/* The reason recorded for TEST in the skip file SKIPS ("TEST\tREASON"
 * lines, see skip.h), or NULL; malloc'ed. */
static char *skip_reason(const char *skips, const char *test)
{
    FILE *f = fopen(skips, "r");
    char line[1024], *reason = NULL;
    size_t n = strlen(test);

    if (!f)
        return NULL;
    while (!reason && fgets(line, sizeof line, f)) {
        chomp(line);
        if (!strncmp(line, test, n) && line[n] == '\t')
            reason = strdup(line + n + 1);
    }
    fclose(f);
    return reason;
}

static bool is_repeated(const struct result *r, size_t n, size_t i)
{
    for (size_t j = 0; j < n; j++)
        if (j != i && !strcmp(r[j].test, r[i].test))
            return true;
    return false;
}

/* Creates an empty file TMPDIR/NAME-XXXXXX; its path goes to BUF. */
static void temp_file(char *buf, size_t size, const char *tmpdir,
                      const char *name)
{
    int fd;

    snprintf(buf, size, "%s/%s-XXXXXX", tmpdir, name);
    fd = mkstemp(buf);
    if (fd < 0) {
        perror(buf);
        exit(2);
    }
    close(fd);
}

/* Runs one suite; returns the number of failed tests. */
static int run_suite(const char *name, Suite *s, const char *tmpdir,
                     int *npassed)
{
    char tap[4096], skips[4096];
    int failed;
    SRunner *sr;
    struct result *r = NULL;
    size_t n;

    temp_file(tap, sizeof tap, tmpdir, "qapic-unit");
    temp_file(skips, sizeof skips, tmpdir, "qapic-skips");
    setenv("QC_SKIP_FILE", skips, 1);

    sr = srunner_create(s);
    srunner_set_tap(sr, tap);
    srunner_run_all(sr, getenv("CK_VERBOSITY") ? CK_ENV : CK_SILENT);
    failed = srunner_ntests_failed(sr);

    n = read_tap(tap, &r);
    for (size_t i = 0; i < n; i++) {
        char label[1024];
        if (is_repeated(r, n, i))
            snprintf(label, sizeof label, QC_TEST_GROUP "/%s/%s[%d]", name,
                     r[i].test,
                     r[i].iter);
        else
            snprintf(label, sizeof label, QC_TEST_GROUP "/%s/%s", name,
                     r[i].test);
        char *why = r[i].msg ? NULL : skip_reason(skips, r[i].test);
        if (r[i].msg)
            printf("FAIL: %s: %s\n", label, r[i].msg);
        else if (why)
            printf("SKIP: %s (%s)\n", label, why);
        else {
            printf("PASS: %s\n", label);
            (*npassed)++;
        }
        free(why);
    }
    for (size_t i = 0; i < n; i++) {
        free(r[i].test);
        free(r[i].msg);
    }
    free(r);
    /* Should the TAP output be unreadable, still report the failures. */
    if ((int)n < srunner_ntests_run(sr) && failed) {
        TestResult **res = srunner_results(sr);
        for (int i = 0; i < srunner_ntests_run(sr); i++)
            if (tr_rtype(res[i]) != CK_PASS)
                printf("FAIL: " QC_TEST_GROUP "/%s/%s: %s\n", name,
                       tr_tcname(res[i]), tr_msg(res[i]));
        free(res);
    }
    fflush(stdout);
    srunner_free(sr);
    unlink(tap);
    unlink(skips);
    return failed;
}

int main(int argc, char **argv)
{
    const char *tmpdir = getenv("TMPDIR");
    int failed = 0, passed = 0;

    if (!tmpdir || !*tmpdir)
        tmpdir = "/tmp";
    for (int i = 1; i < argc; i++) {
        bool found = false;
        for (size_t j = 0; suites[j].name; j++)
            if (!strcmp(argv[i], suites[j].name))
                found = true;
        if (!found) {
            fprintf(stderr, "unit-tests: no suite named '%s'\n", argv[i]);
            return 2;
        }
    }
    for (size_t j = 0; suites[j].name; j++) {
        bool wanted = argc == 1;
        for (int i = 1; i < argc; i++)
            if (!strcmp(argv[i], suites[j].name))
                wanted = true;
        if (wanted)
            failed += run_suite(suites[j].name, suites[j].make(), tmpdir,
                                &passed);
    }
    return failed ? 1 : 0;
}
