/* Skipping a unit test loudly: QC_SKIP("no QEMU binary") inside a test
 * ends it, and the runner (main.c) reports it as
 *     SKIP: unit/SUITE/TEST (no QEMU binary)
 * instead of PASS.  The reason goes to the file the runner names in
 * QC_SKIP_FILE, which works whether Check forks or not. */
#ifndef QC_TEST_SKIP_H
#define QC_TEST_SKIP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* __func__ in a Check test is "NAME_fn". */
static inline void qc_skip_note(const char *func, const char *reason)
{
    const char *path = getenv("QC_SKIP_FILE");
    size_t n = strlen(func);
    FILE *f = path ? fopen(path, "a") : NULL;

    if (n > 3 && !strcmp(func + n - 3, "_fn"))
        n -= 3;
    if (f) {
        fprintf(f, "%.*s\t%s\n", (int)n, func, reason);
        fclose(f);
    }
}

#define QC_SKIP(reason)                                                  \
    do {                                                                 \
        qc_skip_note(__func__, (reason));                                \
        return;                                                          \
    } while (0)

#endif
