/* Conditions: the 'if' of definitions, members, branches and features,
 * as a tree of symbols and all/any/not, evaluated against a set of
 * defined symbols (introspection of one build) or printed. */
#ifndef QC_COND_H
#define QC_COND_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"
#include "syntax/value.h"

typedef enum {
    QC_COND_NAME,     /* a symbol: defined(NAME) */
    QC_COND_ALL,      /* args[0..nargs-1], all true  (nargs >= 1) */
    QC_COND_ANY,      /* any true                     (nargs >= 1) */
    QC_COND_NOT,      /* !args[0]                     (nargs == 1) */
} qc_cond_kind;

typedef struct qc_cond qc_cond;
struct qc_cond {
    qc_cond_kind kind;
    const char *name;       /* QC_COND_NAME only */
    qc_cond **args;
    size_t nargs;
};

/* A NULL condition means "always"; every function below accepts NULL. */

/* Evaluates C: DEFINED(CTX, SYM) says whether SYM is defined.
 * NULL C is true. */
bool qc_cond_eval(const qc_cond *c, bool (*defined)(void *ctx, const char *sym),
                  void *ctx);
/* The same where exactly the NSYMS symbols SYMS are defined. */
bool qc_cond_eval_symbols(const qc_cond *c, const char *const *syms,
                          size_t nsyms);
/* Python repr as QEMU's test harness prints it: TEST_IF_X, or
 * {'all': ['A', {'not': 'B'}]}.  Appends nothing for NULL. */
void qc_cond_repr(qc_buf *b, const qc_cond *c);

/* The condition an 'if' value V stands for (NULL V: NULL).  V must have
 * passed the expression checks. */
qc_cond *qc_cond_from(qc_arena *a, const qc_value *v);

#endif
