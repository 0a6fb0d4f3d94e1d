/* Shared by the typed tests (tests/typed/): programs on the bindings that
 * `qapic gen c` makes of QEMU 10.0's schema at build time (qmp.h), driven
 * through their generated stubs and event registrations only.  What a
 * test expects of a QEMU follows that QEMU's own schema (supports()), so
 * the tests hold for releases other than 10.0. */
#ifndef QC_TYPED_COMMON_H
#define QC_TYPED_COMMON_H

/* The tests use deprecated and unstable definitions on purpose. */
#define QMP_NO_DEPRECATION_WARNINGS 1

#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "qmp.h"
#include "qapic/testpeer.h"
#include "skip.h"

/* The path of corpus file NAME in BUF, or NULL when it is not there. */
static inline const char *qc_typed_corpus_file(char *buf, size_t n,
                                               const char *name)
{
    const char *c = getenv("CORPUS");
    struct stat st;
    snprintf(buf, n, "%s/%s", c && *c ? c : QC_DEFAULT_CORPUS, name);
    return stat(buf, &st) == 0 ? buf : NULL;
}

/* Warnings of the client, collected. */
typedef struct qc_warnings {
    int n;
    char all[8192];
} qc_warnings;

static inline void qc_typed_on_warn(void *opaque, const char *msg)
{
    qc_warnings *w = opaque;
    size_t len = strlen(w->all);
    w->n++;
    snprintf(w->all + len, sizeof w->all - len, "%s\n", msg);
}

static inline void qc_typed_contains(const char *s, const char *part)
{
    ck_assert_msg(s && strstr(s, part), "'%s' does not contain '%s'",
                  s ? s : "(null)", part);
}

/* ERR is of KIND (and then freed). */
static inline void qc_typed_error_is(qapic_error *err, qapic_error_kind kind,
                                     const char *message)
{
    ck_assert_msg(err != NULL, "no error");
    ck_assert_msg(err->kind == kind, "%s error: %s",
                  qapic_error_kind_name(err->kind), err->message);
    if (message)
        ck_assert_str_eq(err->message, message);
    qapic_error_free(err);
}

/* One migration channel to the UNIX socket PATH (borrowed), built in
 * place: LIST is what a MigrationChannelList's items point at. */
typedef struct qc_channel {
    qmp_MigrationAddress addr;
    qmp_MigrationChannel ch;
    qmp_MigrationChannel *list[1];
} qc_channel;

static inline void qc_channel_init(qc_channel *c, const char *path)
{
    memset(c, 0, sizeof *c);
    c->addr.transport = QMP_MIGRATION_ADDRESS_TYPE_SOCKET;
    c->addr.u.socket.type = QMP_SOCKET_ADDRESS_TYPE_UNIX;
    c->addr.u.socket.u.q_unix.path = (char *)path;
    c->ch.channel_type = QMP_MIGRATION_CHANNEL_TYPE_MAIN;
    c->ch.addr = &c->addr;
    c->list[0] = &c->ch;
}

#endif
