/* One pure parser for both dialects (see src/syntax/parse.h).  The scanner hands
 * out a dialect token first, so each dialect has its own start rule while
 * values share one set of rules. */
%define api.pure full
%define api.prefix {qc_yy}
%define parse.error custom
%define parse.lac full
%expect 0

%code requires {
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "syntax/value.h"
struct qc_pstate;
/* Sixteen bytes: the parser copies a semantic value at every shift and
 * reduction.  What only a doc block or a number has (its lines, whether
 * it is an integer) is in the scanner's state: their rules reduce before
 * the next token is read. */
struct qc_tok {
    const char *s;
    uint32_t len;
    uint32_t off;
};
}

%code {
#include <string.h>

#include "pstate.h"

static int yylex(QC_YYSTYPE *lval, struct qc_pstate *ps);
static void yyerror(struct qc_pstate *ps, const char *msg);
}

%param {struct qc_pstate *ps}

%union {
    struct qc_tok tok;
    qc_value v;                 /* by value: arrays and objects hold theirs */
    size_t base;                /* where a list's entries start (pstate.h) */
}

%token <tok> LBRACE "'{'" RBRACE "'}'" LBRACKET "'['" RBRACKET "']'"
%token <tok> COLON "':'" COMMA "','"
%token <tok> STRING "string" TRUE "'true'" FALSE "'false'" NUL "'null'"
%token <tok> NUMBER "number"
%token <tok> DOC_BLOCK "doc block" DOC_OPEN "'##'" DOC_END "end of doc block"
%token <tok> START_SCHEMA START_JSON START_STREAM

%type <v> value nonstring
%type <base> members elements

%%

/* The rules are written for few reductions (each costs the parser as
 * much as a token): no chain rules, no rule for a single member. */
start
    : START_SCHEMA schema_items
    | START_JSON value              { qc_ps_add_value(ps, &$2); }
    | START_STREAM stream_items
    ;

/* The scanner reads a doc block whole (DOC_BLOCK); DOC_OPEN is one that
 * something other than a comment interrupts, and DOC_END, which the
 * scanner never sends, makes that something a syntax error. */
schema_items
    : %empty
    | schema_items value            { qc_ps_add_value(ps, &$2); }
    | schema_items DOC_BLOCK        { qc_ps_doc(ps, &$2, true); }
    | schema_items DOC_OPEN         { qc_ps_doc(ps, &$2, false); }
      DOC_END
    ;

stream_items
    : %empty
    | stream_items value            { qc_ps_add_value(ps, &$2); }
    ;

/* A string member or element has rules of its own, with the string's
 * action in them: most members are strings, and a rule "value: STRING"
 * would cost a reduction for each.  So the other values are written
 * twice, as "value" and as "nonstring" (a chain rule "value: nonstring"
 * would cost a reduction for each of them instead). */
value
    : STRING                        { $$ = qc_ps_string(ps, &$1); }
    | TRUE                          { $$ = qc_ps_bool(ps, &$1, true); }
    | FALSE                         { $$ = qc_ps_bool(ps, &$1, false); }
    | NUL                           { $$ = qc_ps_null(ps, &$1); }
    | NUMBER                        { $$ = qc_ps_number(ps, &$1); }
    | LBRACE RBRACE                 { $$ = qc_ps_object(ps, &$1, QC_PS_NONE); }
    | LBRACE members RBRACE         { $$ = qc_ps_object(ps, &$1, $2); }
    | LBRACKET RBRACKET             { $$ = qc_ps_array(ps, &$1, QC_PS_NONE); }
    | LBRACKET elements RBRACKET    { $$ = qc_ps_array(ps, &$1, $2); }
    ;

nonstring
    : TRUE                          { $$ = qc_ps_bool(ps, &$1, true); }
    | FALSE                         { $$ = qc_ps_bool(ps, &$1, false); }
    | NUL                           { $$ = qc_ps_null(ps, &$1); }
    | NUMBER                        { $$ = qc_ps_number(ps, &$1); }
    | LBRACE RBRACE                 { $$ = qc_ps_object(ps, &$1, QC_PS_NONE); }
    | LBRACE members RBRACE         { $$ = qc_ps_object(ps, &$1, $2); }
    | LBRACKET RBRACKET             { $$ = qc_ps_array(ps, &$1, QC_PS_NONE); }
    | LBRACKET elements RBRACKET    { $$ = qc_ps_array(ps, &$1, $2); }
    ;

/* A member's key is checked against the earlier ones of its object
 * when the token after its ':' is read (qc_ps_lex), not by an action
 * here: a mid-rule action would cost a reduction per member. */
members
    : STRING COLON STRING           { qc_value s = qc_ps_string(ps, &$3);
                                      $$ = qc_ps_member(ps, &$1, &s); }
    | STRING COLON nonstring        { $$ = qc_ps_member(ps, &$1, &$3); }
    | members COMMA STRING COLON STRING
                                    { qc_value s = qc_ps_string(ps, &$5);
                                      qc_ps_member(ps, &$3, &s); $$ = $1; }
    | members COMMA STRING COLON nonstring
                                    { qc_ps_member(ps, &$3, &$5); $$ = $1; }
    ;

elements
    : STRING                        { qc_value s = qc_ps_string(ps, &$1);
                                      $$ = qc_ps_element(ps, &s); }
    | nonstring                     { $$ = qc_ps_element(ps, &$1); }
    | elements COMMA STRING         { qc_value s = qc_ps_string(ps, &$3);
                                      qc_ps_element(ps, &s); $$ = $1; }
    | elements COMMA nonstring      { qc_ps_element(ps, &$3); $$ = $1; }
    ;

%%

static int yylex(QC_YYSTYPE *lval, struct qc_pstate *ps)
{
    return qc_ps_lex(ps, lval);
}

static void yyerror(struct qc_pstate *ps, const char *msg)
{
    qc_ps_internal_error(ps, msg);
}

static int yyreport_syntax_error(const yypcontext_t *ctx, struct qc_pstate *ps)
{
    yysymbol_kind_t expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
    unsigned flags = 0;
    for (int i = 0; i < n; i++) {
        switch (expected[i]) {
        case YYSYMBOL_LBRACE: flags |= QC_EXP_VALUE; break;
        case YYSYMBOL_RBRACE: flags |= QC_EXP_RBRACE; break;
        case YYSYMBOL_RBRACKET: flags |= QC_EXP_RBRACKET; break;
        case YYSYMBOL_COLON: flags |= QC_EXP_COLON; break;
        case YYSYMBOL_COMMA: flags |= QC_EXP_COMMA; break;
        case YYSYMBOL_STRING: flags |= QC_EXP_STRING; break;
        case YYSYMBOL_DOC_END: flags |= QC_EXP_DOC; break;
        case YYSYMBOL_YYEOF: flags |= QC_EXP_EOF; break;
        default: break;
        }
    }
    qc_ps_syntax_error(ps, flags, yypcontext_token(ctx) == YYSYMBOL_YYEOF);
    return 0;
}
