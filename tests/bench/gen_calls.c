/* Writes N generated QMP commands (tests/unit/callgen.h: valid calls and
 * single mutations of them), one a line, for the validation benchmark:
 *
 *     gen_calls SCHEMA [CONFIG] N SEED
 *
 * SCHEMA is a QAPI source schema (read with QEMU 10.0's doc rules),
 * CONFIG its build's condition symbols, one a line ("-": every
 * condition true).  Not a test: bench/run.sh makes its input with it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "callgen.h"
#include "dumps/vschema.h"
#include "schema/schema.h"

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: gen_calls SCHEMA CONFIG|- N SEED\n");
        return 2;
    }
    qc_arena *a = qc_arena_new();
    qc_diag *d = qc_diag_new();
    qc_options o = { QC_STD_QEMU_10_0, false };
    qc_schema *s = qc_schema_build(a, d, &o, argv[1], NULL);
    if (!s) {
        qc_diag_flush(d, stderr);
        return 2;
    }
    const char **syms;
    size_t nsyms = qc_callgen_read_symbols(a, argv[2], &syms);
    const qc_vschema *v = qc_vschema_from_model(a, s, strcmp(argv[2], "-") ? syms : NULL,
                                                nsyms);
    qc_callgen_opts go = { strtoull(argv[4], NULL, 0), NULL, false, false, 12 };
    qc_callgen *g = qc_callgen_new(a, v, &go);
    unsigned long n = strtoul(argv[3], NULL, 10);
    qc_buf b = QC_BUF_INIT;
    for (unsigned long i = 0; i < n; i++) {
        qc_callgen_next(g, &b, NULL);
        fwrite(b.data, 1, b.len, stdout);
        putchar('\n');
    }
    qc_buf_free(&b);
    qc_diag_free(d);
    qc_arena_free(a);
    return ferror(stdout) ? 2 : 0;
}
