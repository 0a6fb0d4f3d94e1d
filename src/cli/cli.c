/* Helpers shared by the subcommands: common options, usage and I/O errors,
 * atomic output files. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"

int qc_cli_common_option(qc_cli *cli, int opt, const char *arg)
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

void qc_cli_io_error(qc_cli *cli, const char *path, int err)
{
    qc_error(cli->diag, (qc_loc){ 0 }, "io-error", "cannot read '%s': %s",
             path, strerror(err));
}

static bool write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        len -= (size_t)n;
    }
    return true;
}

bool qc_cli_write_output(qc_cli *cli, const char *path, const char *data,
                         size_t len)
{
    if (!path || !strcmp(path, "-")) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout)) {
            qc_error(cli->diag, (qc_loc){ 0 }, "io-error",
                     "cannot write to standard output: %s", strerror(errno));
            return false;
        }
        return true;
    }
    /* Write next to the target and rename, so a reader never sees a
     * half-written file and a failure leaves the old one in place. */
    char *dir_copy = strdup(path);
    if (!dir_copy)
        abort();
    const char *dir = dirname(dir_copy);
    size_t n = strlen(dir) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        abort();
    snprintf(tmp, n, "%s/.qapic-XXXXXX", dir);
    free(dir_copy);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        qc_error(cli->diag, (qc_loc){ 0 }, "io-error",
                 "cannot create a temporary file for '%s': %s", path,
                 strerror(errno));
        free(tmp);
        return false;
    }
    struct stat st;
    mode_t mode = 0644;
    if (stat(path, &st) == 0)
        mode = st.st_mode & 07777;
    else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    bool ok = write_all(fd, data, len) && fchmod(fd, mode) == 0
              && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        unlink(tmp);
        qc_error(cli->diag, (qc_loc){ 0 }, "io-error", "cannot write '%s': %s",
                 path, strerror(saved));
    }
    free(tmp);
    return ok;
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
            qc_cli_print_help(argv[0]);
            *exit_code = QC_EXIT_OK;
            return -1;
        }
        int r = qc_cli_common_option(cli, opt, optarg);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        if (!handler || handler(cli, ctx, opt, optarg) != 0)
            return -1;
    }
    return optind;
}
