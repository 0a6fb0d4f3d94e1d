/* TEMPORARY STAND-INS, private to the client branch: the codec branch
 * implements error.h and codec.h in its own runtime files.  These let the
 * client build and run its untyped tests before that lands; this file is
 * deleted when main (with the codec) is merged.  Nothing here is meant to
 * last. */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qapic/codec.h"
#include "qapic/error.h"

void qapic_error_free(qapic_error *e)
{
    if (!e)
        return;
    free(e->message);
    free(e->path);
    free(e->qmp_class);
    free(e->qmp_desc);
    if (e->id)
        json_object_put(e->id);
    if (e->request)
        json_object_put(e->request);
    if (e->reply)
        json_object_put(e->reply);
    free(e->op);
    free(e);
}

const char *qapic_error_kind_name(qapic_error_kind k)
{
    static const char *const names[] = {
        NULL, "decode", "encode", "qmp", "transport", "timeout", "protocol",
        "unsupported", "policy", "invalid", "nomem",
    };
    return k >= 1 && k <= QAPIC_ERROR_NOMEM ? names[k] : "unknown";
}

int qapic_error_set(qapic_error **err, qapic_error_kind kind,
                    const char *fmt, ...)
{
    if (!err || *err)
        return -1;
    qapic_error *e = calloc(1, sizeof *e);
    if (!e)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    e->kind = kind;
    e->message = malloc(n > 0 ? (size_t)n + 1 : 1);
    if (!e->message) {
        free(e);
        return -1;
    }
    va_start(ap, fmt);
    vsnprintf(e->message, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *err = e;
    return -1;
}

static void *not_yet(qapic_error **err)
{
    qapic_error_set(err, QAPIC_ERROR_INVALID,
                    "the codec is not part of this build yet");
    return NULL;
}

void *qapic_decode(const qapic_type *t, struct json_object *json,
                   unsigned flags, const char *root, qapic_error **err)
{
    (void)t, (void)json, (void)flags, (void)root;
    return not_yet(err);
}

struct json_object *qapic_encode(const qapic_type *t, const void *box,
                                 const char *root, qapic_error **err)
{
    (void)t, (void)box, (void)root;
    return not_yet(err);
}

void qapic_free(const qapic_type *t, void *box)
{
    (void)t;
    free(box);
}

int qapic_enum_parse(const qapic_type *t, const char *name)
{
    for (size_t i = 0; t && name && i < t->u.enumeration.n; i++)
        if (!strcmp(t->u.enumeration.values[i].name, name))
            return (int)i;
    return QAPIC_ENUM_UNKNOWN;
}
