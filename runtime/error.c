/* Errors of libqapic-runtime (qapic/error.h), and the located decode and
 * encode errors the codec builds from a qapic_rt_path. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal/runtime.h"

void qapic_error_free(qapic_error *e)
{
    if (!e)
        return;
    free(e->message);
    free(e->path);
    free(e->qmp_class);
    free(e->qmp_desc);
    json_object_put(e->id);
    json_object_put(e->request);
    json_object_put(e->reply);
    free(e->op);
    free(e);
}

const char *qapic_error_kind_name(qapic_error_kind k)
{
    switch (k) {
    case QAPIC_ERROR_DECODE: return "decode";
    case QAPIC_ERROR_ENCODE: return "encode";
    case QAPIC_ERROR_QMP: return "qmp";
    case QAPIC_ERROR_TRANSPORT: return "transport";
    case QAPIC_ERROR_TIMEOUT: return "timeout";
    case QAPIC_ERROR_PROTOCOL: return "protocol";
    case QAPIC_ERROR_UNSUPPORTED: return "unsupported";
    case QAPIC_ERROR_POLICY: return "policy";
    case QAPIC_ERROR_INVALID: return "invalid";
    case QAPIC_ERROR_NOMEM: return "nomem";
    }
    return "unknown";
}

char *qapic_rt_vprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *s;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *qapic_rt_printf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = qapic_rt_vprintf(fmt, ap);
    va_end(ap);
    return s;
}

/* A new error owning MESSAGE and PATH (either may be NULL on entry when
 * its allocation failed: the error then degrades to NOMEM). */
static void store(qapic_error **err, qapic_error_kind kind, char *message,
                  char *path, bool want_path)
{
    qapic_error *e;

    if (!err || *err || !(e = calloc(1, sizeof *e))) {
        free(message);
        free(path);
        return;
    }
    if (!message || (want_path && !path)) {
        free(message);
        free(path);
        message = qapic_rt_strdup("out of memory");
        path = NULL;
        kind = QAPIC_ERROR_NOMEM;
    }
    e->kind = kind;
    e->message = message;
    e->path = path;
    *err = e;
}

int qapic_error_set(qapic_error **err, qapic_error_kind kind,
                    const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (!err || *err)
        return -1;
    va_start(ap, fmt);
    msg = qapic_rt_vprintf(fmt, ap);
    va_end(ap);
    store(err, kind, msg, NULL, false);
    return -1;
}

int qapic_rt_nomem(qapic_error **err)
{
    return qapic_error_set(err, QAPIC_ERROR_NOMEM, "out of memory");
}

/* Writes the path into BUF (when non-NULL) and returns its length. */
static size_t format_path(const qapic_rt_path *p, char *buf)
{
    size_t n = 0;
    char num[32];

    if (p->up)
        n = format_path(p->up, buf);
    if (!p->up) {
        size_t len = strlen(p->name);
        if (buf)
            memcpy(buf, p->name, len);
        return len;
    }
    if (p->name) {
        size_t len = strlen(p->name);
        if (buf) {
            buf[n] = '.';
            memcpy(buf + n + 1, p->name, len);
        }
        return n + 1 + len;
    }
    int len = snprintf(num, sizeof num, "[%zu]", p->index);
    if (buf)
        memcpy(buf + n, num, (size_t)len);
    return n + (size_t)len;
}

int qapic_rt_path_error(qapic_error **err, qapic_error_kind kind,
                        const qapic_rt_path *p, const char *fmt, ...)
{
    va_list ap;
    char *text, *path = NULL, *msg = NULL;
    size_t plen, tlen;

    if (!err || *err)
        return -1;
    va_start(ap, fmt);
    text = qapic_rt_vprintf(fmt, ap);
    va_end(ap);
    plen = format_path(p, NULL);
    if (text && (path = malloc(plen + 1))) {
        format_path(p, path);
        path[plen] = '\0';
        tlen = strlen(text);
        if ((msg = malloc(plen + 2 + tlen + 1))) {
            memcpy(msg, path, plen);
            memcpy(msg + plen, ": ", 2);
            memcpy(msg + plen + 2, text, tlen + 1);
        }
    }
    free(text);
    store(err, kind, msg, path, true);
    return -1;
}
