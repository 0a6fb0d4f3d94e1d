/* Loading one side of a diff (dumps/load.h does the work); see diff.h. */
#include <string.h>

#include "compat/diff.h"
#include "dumps/load.h"

bool qc_diff_side_load(qc_arena *a, qc_diag *d, const qc_options *opts,
                       const char *path, bool use_symbols,
                       const char *const *symbols, size_t nsymbols,
                       qc_diff_side *side, bool *io_error)
{
    memset(side, 0, sizeof *side);
    side->path = path;
    qc_build build = { symbols, nsymbols };
    qc_ischema_source src;
    bool ok = qc_ischema_load_build(a, d, opts, path,
                                    use_symbols ? &build : NULL, &src);
    *io_error = src.io_error;
    switch (src.origin) {
    case QC_ORIGIN_JSON:
        side->kind = QC_DIFF_SRC_DUMP;
        break;
    case QC_ORIGIN_INTROSPECTION:
        side->kind = QC_DIFF_SRC_INTROSPECTION;
        break;
    case QC_ORIGIN_SCHEMA:
        side->kind = QC_DIFF_SRC_SCHEMA;
        side->all_conditions = !use_symbols;
        side->nsymbols = use_symbols ? nsymbols : 0;
        break;
    }
    side->version = src.version;
    side->schema = src.schema;
    return ok;
}
