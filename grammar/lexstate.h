/* State shared by the scanner (lexer.l) and the parser (parser.y). */
#ifndef QC_LEXSTATE_H
#define QC_LEXSTATE_H

#include <stdint.h>

#include "base/arena.h"
#include "syntax/parse.h"

struct qc_lexstate {
    qc_arena *arena;
    const qc_source *src;
    const char *base;           /* src->text: offsets are relative to it */
    qc_dialect dialect;
    int start_token;            /* dialect token, handed out first */
    uint32_t tok_off;           /* start of the last token */
    /* A lexical error, set by the scanner before it returns QC_LEX_ERROR. */
    uint32_t err_off;
    const char *err_code;
    const char *err_msg;
};

#define QC_LEX_ERROR (-2)

/* The end of the white space at P (not beyond END) as the schema dialect
 * skips it between tokens: where the next line of a doc block would
 * start.  The scanner and the doc line iterator (parse.c) share it. */
const char *qc_doc_gap_end_slow(const char *p, const char *end);
static inline const char *qc_doc_gap_end(const char *p, const char *end)
{
    /* Usually the next line starts right after the newline. */
    if (end - p >= 2 && p[0] == '\n' && p[1] == '#')
        return p + 1;
    return qc_doc_gap_end_slow(p, end);
}

#endif
