/* Shared body of the libFuzzer targets: parse the input in one dialect
 * inside a fresh arena, format the syntax error if there is one, walk the
 * tree, and free everything. */
#ifndef QC_FUZZ_COMMON_H
#define QC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"
#include "syntax/parse.h"
#include "syntax/value.h"

/* Touches every node so that a bad pointer in the tree is found here. */
static size_t fuzz_walk(const qc_value *v, unsigned depth)
{
    size_t n = 1;
    if (!v || depth > QC_MAX_DEPTH + 10)
        return n;
    switch (v->kind) {
    case QC_VSTRING:
        n += qc_str_len(v);
        break;
    case QC_VARRAY:
        for (size_t i = 0; i < qc_arr_len(v); i++)
            n += fuzz_walk(qc_arr_at(v, i), depth + 1);
        break;
    case QC_VOBJECT:
        for (size_t i = 0; i < qc_obj_len(v); i++)
            n += v->u.obj.members[i].key_len +
                 fuzz_walk(&v->u.obj.members[i].value, depth + 1);
        break;
    default:
        break;
    }
    return n;
}

static int fuzz_one(const uint8_t *data, size_t size, qc_dialect dialect,
                    int ensure_newline)
{
    qc_arena *a = qc_arena_new();
    qc_source *src = qc_source_from_mem(a, "fuzz-input", (const char *)data,
                                        size, ensure_newline);
    qc_parse_result res = { 0 };
    volatile size_t total = 0;

    qc_parse(a, src, dialect, &res);
    for (size_t i = 0; i < res.nitems; i++) {
        if (qc_item_value(&res.items[i]))
            total += fuzz_walk(qc_item_value(&res.items[i]), 0);
        else
            total += qc_item_doc(&res.items[i])->n;
    }
    if (res.error) {
        qc_diag *d = qc_diag_new();
        qc_parse_report(d, res.error);
        const qc_diagnostic *dg = qc_diag_get(d, 0);
        if (dg) {
            char *s = qc_diagnostic_format(d, dg);
            total += s ? 1 : 0;
            free(s);
        }
        qc_diag_free(d);
    }
    (void)total;
    qc_arena_free(a);
    return 0;
}

#endif
