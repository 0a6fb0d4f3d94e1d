/* State shared by the scanner (lexer.l) and the parser (parser.y). */
#ifndef QC_LEXSTATE_H
#define QC_LEXSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "syntax/parse.h"

struct qc_lexstate {
    qc_arena *arena;
    const qc_source *src;
    const char *base;           /* src->text: offsets are relative to it */
    qc_dialect dialect;
    int start_token;            /* dialect token, handed out first */
    uint32_t tok_off;           /* start of the last token */
    /* The line starts and ends of the last doc block read (malloc), two
     * offsets a line (qc_docblock.bounds). */
    uint32_t *doc_bounds;
    size_t doc_bounds_cap;
    uint32_t doc_lines;         /* of the last DOC_BLOCK or DOC_OPEN */
    bool integer;               /* the last NUMBER has no fraction or exponent */
    /* Where plain strings are copied to as they are scanned: the free
     * part of a block of the arena, taken a block at a time. */
    char *str_out, *str_end;
    /* A lexical error, set by the scanner before it returns QC_LEX_ERROR. */
    uint32_t err_off;
    const char *err_code;
    const char *err_msg;
};

#define QC_LEX_ERROR (-2)

#endif
