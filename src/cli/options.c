/* What the subcommands share: the common options, option parsing, usage
 * and I/O errors, hints that name options. */
#include "cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/source.h"

/* A size: digits and an optional binary unit (K, M, G); false when ARG
 * is none or larger than the ceiling of inputs. */
static bool parse_size(const char *arg, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(arg, &end, 10);
    if (errno || end == arg || *arg == '-')
        return false;
    unsigned shift = 0;
    if (*end) {
        const char *units = "KMG", *u = strchr(units, *end);
        if (!u || end[1])
            return false;
        shift = 10 * (unsigned)(u - units + 1);
    }
    if (n > QC_SOURCE_MAX_CEILING >> shift)
        return false;
    *out = (uint64_t)n << shift;
    return true;
}

/* Returns 1 when OPT is a common option and was handled, 0 when it is
 * not one, -1 after reporting a bad value. */
static int common_option(qc_cli *cli, int opt, const char *arg)
{
    switch (opt) {
    case QC_OPT_DIAG_FORMAT: {
        qc_diag_format f;
        if (!qc_diag_parse_format(arg, &f)) {
            qc_error(cli->diag, (qc_loc){ 0 }, "usage",
                     "unknown diagnostic format '%s' (use gcc, qemu or json)", arg);
            return -1;
        }
        qc_diag_set_format(cli->diag, f);
        return 1;
    }
    case QC_OPT_MAX_ERRORS: {
        char *end;
        errno = 0;
        unsigned long n = strtoul(arg, &end, 10);
        if (errno || *end || !*arg || n > 1000000) {
            qc_error(cli->diag, (qc_loc){ 0 }, "usage",
                     "--max-errors needs a whole number, not '%s'", arg);
            return -1;
        }
        qc_diag_set_max_errors(cli->diag, (unsigned)n);
        return 1;
    }
    case QC_OPT_STD:
        if (!strcmp(arg, "qemu-10.0")) {
            cli->opts.std = QC_STD_QEMU_10_0;
        } else if (!strcmp(arg, "qemu-10.2")) {
            cli->opts.std = QC_STD_QEMU_10_2;
        } else {
            qc_error(cli->diag, (qc_loc){ 0 }, "usage",
                     "unknown language level '%s' (use qemu-10.0 or qemu-10.2)", arg);
            return -1;
        }
        return 1;
    case QC_OPT_NO_DOC_CHECKS:
        cli->opts.no_doc_checks = true;
        return 1;
    case QC_OPT_MAX_INPUT_SIZE: {
        uint64_t n;
        if (!parse_size(arg, &n)) {
            qc_error(cli->diag, (qc_loc){ 0 }, "usage",
                     "--max-input-size needs a size of at most 1G (bytes, "
                     "or a number and K, M or G), not '%s'", arg);
            return -1;
        }
        qc_source_set_max_size(n);
        return 1;
    }
    default:
        return 0;
    }
}

int qc_cli_usage_error(qc_cli *cli, const char *sub, const char *fmt, ...)
{
    qc_buf b = QC_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    qc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    qc_error(cli->diag, (qc_loc){ 0 }, "usage", "%s%s%s (see 'qapic help %s')",
             sub ? sub : "", sub ? ": " : "", b.data ? b.data : "",
             sub ? sub : "");
    qc_buf_free(&b);
    return QC_EXIT_USAGE;
}

int qc_cli_choice(qc_cli *cli, const char *sub, const char *what,
                  const char *arg, const char *const *words, const char *hint)
{
    for (int i = 0; words[i]; i++)
        if (!strcmp(words[i], arg))
            return i;
    qc_cli_usage_error(cli, sub, "unknown %s '%s' (%s)", what, arg, hint);
    return -1;
}

void qc_cli_io_error(qc_cli *cli, const char *path, int err)
{
    qc_error(cli->diag, (qc_loc){ 0 }, "io-error", "cannot read '%s': %s",
             path, strerror(err));
}

/* True when the sink holds a diagnostic whose code starts with PREFIX. */
static bool reported(const qc_cli *cli, const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; qc_diag_get(cli->diag, i); i++)
        if (!strncmp(qc_diagnostic_code(qc_diag_get(cli->diag, i)), prefix, n))
            return true;
    return false;
}

void qc_cli_hint_doc_checks(qc_cli *cli)
{
    if (cli->opts.no_doc_checks || !reported(cli, "qapi-doc"))
        return;
    qc_diag_report(cli->diag, QC_SEV_NOTE, qc_loc_make(NULL, 0),
                   "hint-no-doc-checks",
                   "doc comments are checked by the rules of QEMU %s; "
                   "--no-doc-checks reads those of older schemas as plain comments",
                   cli->opts.std == QC_STD_QEMU_10_0 ? "10.0" : "10.2");
}

void qc_cli_hint_force(qc_cli *cli)
{
    if (reported(cli, "io-read-only"))
        qc_diag_report(cli->diag, QC_SEV_NOTE, qc_loc_make(NULL, 0),
                       "hint-force", "--force rewrites read-only files");
    if (reported(cli, "io-xattr"))
        qc_diag_report(cli->diag, QC_SEV_NOTE, qc_loc_make(NULL, 0),
                       "hint-force", "--force rewrites files without the "
                       "extended attributes that cannot be kept");
}

int qc_cli_getopt(qc_cli *cli, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, qc_opt_handler handler,
                  void *ctx, int *exit_code)
{
    /* Leading ':': missing option values come back as ':'.  GNU argument
     * permutation stays on, so options may follow operands. */
    char spec[64];
    snprintf(spec, sizeof spec, ":%s", shortopts ? shortopts : "");
    optind = 1;
    opterr = 0;
    *exit_code = QC_EXIT_USAGE;
    int opt;
    while ((opt = getopt_long(argc, argv, spec, longopts, NULL)) != -1) {
        if (opt == '?') {
            if (optopt)
                qc_cli_usage_error(cli, argv[0], "unknown option '-%c'", optopt);
            else
                qc_cli_usage_error(cli, argv[0], "unknown option '%s'",
                                   argv[optind - 1]);
            return -1;
        }
        if (opt == ':') {
            qc_cli_usage_error(cli, argv[0], "option '%s' needs a value",
                               argv[optind - 1]);
            return -1;
        }
        if (opt == QC_OPT_HELP) {
            qc_cli_print_help(cli, argv[0]);
            *exit_code = QC_EXIT_OK;
            return -1;
        }
        int r = common_option(cli, opt, optarg);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        if (!handler || handler(cli, ctx, opt, optarg) != 0)
            return -1;
    }
    return optind;
}

qc_source *qc_cli_read(qc_cli *cli, qc_arena *a, const char *path)
{
    int err = 0;
    qc_source *src = qc_source_read(a, cli->diag, path, false, NULL, 0, &err);
    if (!src && err)
        qc_cli_io_error(cli, path, err);
    return src;
}

qc_source *qc_cli_read_stdin(qc_cli *cli, qc_arena *a)
{
    int err = 0;
    qc_source *src = qc_source_read_stdin(a, cli->diag, false, &err);
    if (src || !err)
        return src;
    if (err == EBADF)
        qc_error(cli->diag, (qc_loc){ 0 }, "io-error",
                 "cannot read standard input: it is closed");
    else
        qc_error(cli->diag, (qc_loc){ 0 }, "io-error",
                 "cannot read standard input: %s", strerror(err));
    return NULL;
}

bool qc_cli_read_config(qc_cli *cli, qc_arena *a, const char *path,
                        qc_ptrvec *symbols)
{
    qc_source *src = qc_cli_read(cli, a, path);
    if (!src)
        return false;
    const char *p = src->text, *end = src->text + src->len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *s = p, *e = eol;
        p = eol + 1;
        while (s < e && isspace((unsigned char)*s))
            s++;
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        if (s == e || *s == '#')
            continue;
        const char *eq = memchr(s, '=', (size_t)(e - s));
        if (eq) {
            const char *v = eq + 1;
            size_t vl = (size_t)(e - v);
            if (vl == 0 || (vl == 1 && (*v == 'n' || *v == '0')))
                continue;
            e = eq;
            while (e > s && isspace((unsigned char)e[-1]))
                e--;
        }
        qc_ptrvec_push(a, symbols, qc_arena_strndup(a, s, (size_t)(e - s)));
    }
    return true;
}
