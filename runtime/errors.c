/* Helpers that build the runtime's errors on top of error.h's
 * qapic_error_set(): the fields beyond the message are filled in here. */
#include "internal/client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

qapic_error *qapic__error_vnew(qapic_error_kind kind, const char *fmt,
                               va_list ap)
{
    char *msg = qapic_rt_vprintf(fmt, ap);
    qapic_error *e = NULL;
    if (msg)
        qapic_error_set(&e, kind, "%s", msg);
    free(msg);
    return e;
}

qapic_error *qapic__error_new(qapic_error_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qapic_error *e = qapic__error_vnew(kind, fmt, ap);
    va_end(ap);
    return e;
}

qapic_error *qapic__error_transport(int errnum, const char *op)
{
    qapic_error *e = errnum
        ? qapic__error_new(QAPIC_ERROR_TRANSPORT, "%s: %s", op,
                           strerror(errnum))
        : qapic__error_new(QAPIC_ERROR_TRANSPORT, "%s", op);
    if (e) {
        e->errnum = errnum;
        e->op = qapic_rt_strdup(op);
    }
    return e;
}

static struct json_object *get_ref(struct json_object *o)
{
    return o ? json_object_get(o) : NULL;
}

qapic_error *qapic__error_copy(const qapic_error *e)
{
    if (!e)
        return NULL;
    qapic_error *c = qapic__error_new(e->kind, "%s", e->message);
    if (!c)
        return NULL;
    c->path = qapic_rt_strdup(e->path);
    c->qmp_class = qapic_rt_strdup(e->qmp_class);
    c->qmp_desc = qapic_rt_strdup(e->qmp_desc);
    c->id = get_ref(e->id);
    c->request = get_ref(e->request);
    c->reply = get_ref(e->reply);
    c->errnum = e->errnum;
    c->op = qapic_rt_strdup(e->op);
    return c;
}

int qapic__error_give(qapic_error **err, qapic_error *e)
{
    if (err && !*err)
        *err = e;
    else
        qapic_error_free(e);
    return -1;
}
