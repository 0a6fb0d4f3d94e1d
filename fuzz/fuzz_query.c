/* libFuzzer target: schema query paths (dumps/query.h), as "qapic query"
 * and rule files give them.  Each line of the input is one path, checked
 * for syntax and evaluated against a small schema; the answers must agree
 * (a path the syntax check takes is never malformed when evaluated). */
#include <stdlib.h>
#include <string.h>

#include "dumps/query.h"
#include "fuzz_ischema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qc_arena *a = qc_arena_new();
    const qc_ischema *s = fuzz_ischema();
    /* Paths are C strings: the input ends at its first NUL. */
    char *text = qc_arena_strndup(a, (const char *)data, size);
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        const char *why = NULL;
        bool ok = qc_query_syntax_ok(a, line, &why);
        int r = qc_query_eval(a, s, line, &why);
        if (ok != (r != QC_QUERY_MALFORMED) || (!ok && !why))
            abort();
    }
    qc_arena_free(a);
    return 0;
}
