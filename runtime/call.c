/* Typed calls and typed event listeners, for generated bindings.
 *
 * A call is encoded strictly (qapic_encode), checked against the feature
 * policy (the descriptors' deprecated/unstable flags, like QEMU's -compat)
 * and, with check_schema, against the connected QEMU's own schema; only
 * then is it sent.  Its return value is decoded leniently (qapic_decode),
 * so what a newer QEMU adds never fails a call. */
#include "internal/client.h"

#include "qapic/codec.h"

#include <stdlib.h>
#include <string.h>

/* ---- the feature policy --------------------------------------------------- */

/* One call's policy check.  Uses are found twice, in the bindings'
 * descriptors and in the connected QEMU's schema (either may be the newer
 * one), so each warning is given once. */
typedef struct pol {
    qapic_client *c;
    const char *command;
    qapic_error **err;
    char **warned;              /* messages given already */
    size_t nwarned;
} pol;

static bool warned_already(pol *p, const char *msg)
{
    for (size_t i = 0; i < p->nwarned; i++)
        if (!strcmp(p->warned[i], msg))
            return true;
    char **w = realloc(p->warned, (p->nwarned + 1) * sizeof *w);
    char *copy = qapic_rt_strdup(msg);
    if (!w || !copy) {
        free(copy);
        if (w)
            p->warned = w;
        return false;
    }
    p->warned = w;
    p->warned[p->nwarned++] = copy;
    return false;
}

static void pol_fini(pol *p)
{
    for (size_t i = 0; i < p->nwarned; i++)
        free(p->warned[i]);
    free(p->warned);
}

/* Applies the policy to a use of something with FLAGS, described by WHAT
 * (taken, malloc'ed), e.g. "argument 'blk' of 'migrate'". */
static int hit(pol *p, uint32_t flags, char *what)
{
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        uint32_t bit = i ? QAPIC_FEATURE_UNSTABLE : QAPIC_FEATURE_DEPRECATED;
        qapic_policy pl = i ? p->c->opt.unstable : p->c->opt.deprecated;
        const char *adj = i ? "unstable" : "deprecated";
        if (!(flags & bit) || pl == QAPIC_POLICY_ALLOW)
            continue;
        if (pl == QAPIC_POLICY_WARN) {
            char *msg = qapic_rt_printf("%s is %s", what ? what : "?", adj);
            if (msg && !warned_already(p, msg))
                qapic__warn(p->c, "%s", msg);
            free(msg);
            continue;
        }
        rc = qapic__error_give(p->err, qapic__error_new(
            QAPIC_ERROR_POLICY, "%s is %s, and the policy rejects %s use",
            what ? what : "?", adj, adj));
    }
    free(what);
    return rc;
}

/* The hook of the check against the connected QEMU's schema. */
static int remote_hit(void *ctx, uint32_t flags, char *what)
{
    return hit(ctx, flags, what);
}

static int walk(pol *p, const qapic_type *t, struct json_object *v,
                const char *path);

/* The member NAME of object type T for value V, looking into the branch
 * its tag selects when T is a union (branches may be unions too). */
static const qapic_member *find_member(const qapic_type *t,
                                       struct json_object *v,
                                       const char *name, unsigned depth)
{
    if (!t || (t->kind != QAPIC_KIND_STRUCT && t->kind != QAPIC_KIND_UNION)
        || depth > 100)
        return NULL;
    for (size_t i = 0; i < t->u.object.n; i++)
        if (!strcmp(t->u.object.members[i].name, name))
            return &t->u.object.members[i];
    if (t->kind != QAPIC_KIND_UNION || t->u.object.tag_index >= t->u.object.n)
        return NULL;
    const qapic_member *tag = &t->u.object.members[t->u.object.tag_index];
    const char *tv = qapic__json_str(v, tag->name);
    int idx = tv ? qapic_enum_parse(tag->type, tv) : QAPIC_ENUM_UNKNOWN;
    if (idx < 0 || !t->u.object.branches)
        return NULL;
    return find_member(t->u.object.branches[idx].type, v, name, depth + 1);
}

static const qapic_type *alt_branch(const qapic_type *t,
                                    struct json_object *v)
{
    qapic_json_type jt;
    switch (json_object_get_type(v)) {
    case json_type_null: jt = QAPIC_JSON_NULL; break;
    case json_type_boolean: jt = QAPIC_JSON_BOOL; break;
    case json_type_int: case json_type_double: jt = QAPIC_JSON_NUMBER; break;
    case json_type_string: jt = QAPIC_JSON_STRING; break;
    case json_type_object: jt = QAPIC_JSON_OBJECT; break;
    case json_type_array: jt = QAPIC_JSON_ARRAY; break;
    default: return NULL;
    }
    for (size_t i = 0; i < t->u.alternate.n; i++)
        if (t->u.alternate.branches[i].json_type == jt)
            return t->u.alternate.branches[i].type;
    return NULL;
}

static int walk_object(pol *p, const qapic_type *t, struct json_object *v,
                       const char *path)
{
    json_object_object_foreach(v, key, val) {
        const qapic_member *m = find_member(t, v, key, 0);
        if (!m)
            continue;
        char *sub = *path ? qapic_rt_printf("%s.%s", path, key) : qapic_rt_strdup(key);
        int rc = hit(p, m->flags, qapic_rt_printf("argument '%s' of '%s'",
                                                sub ? sub : key,
                                                p->command));
        if (rc == 0)
            rc = walk(p, m->type, val, sub ? sub : key);
        free(sub);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Walks the encoded value V of type T for deprecated and unstable uses:
 * members sent, enum values sent. */
static int walk(pol *p, const qapic_type *t, struct json_object *v,
                const char *path)
{
    if (!t || !v)
        return 0;
    switch (t->kind) {
    case QAPIC_KIND_ENUM: {
        const char *s = json_object_get_string(v);
        int idx = qapic_enum_parse(t, s);
        if (idx < 0)
            return 0;
        return hit(p, t->u.enumeration.values[idx].flags,
                   qapic_rt_printf("value '%s' of argument '%s' of '%s'", s,
                                 path, p->command));
    }
    case QAPIC_KIND_STRUCT:
    case QAPIC_KIND_UNION:
        return json_object_is_type(v, json_type_object)
            ? walk_object(p, t, v, path) : 0;
    case QAPIC_KIND_ALTERNATE:
        return walk(p, alt_branch(t, v), v, path);
    case QAPIC_KIND_LIST:
        for (size_t i = 0; json_object_is_type(v, json_type_array)
                           && i < json_object_array_length(v); i++) {
            char *sub = qapic_rt_printf("%s[%zu]", path, i);
            int rc = walk(p, t->u.list.element,
                          json_object_array_get_idx(v, i), sub ? sub : path);
            free(sub);
            if (rc < 0)
                return rc;
        }
        return 0;
    default:
        return 0;
    }
}

/* ---- preparing a call --------------------------------------------------------------- */

/* The check against the connected QEMU's schema, telling FEATURE (may be
 * NULL) of deprecated and unstable uses. */
static int check_remote(qapic_client *c, const char *command,
                        struct json_object *args, bool open,
                        qapic__feature_fn *feature, void *ctx,
                        qapic_error **err)
{
    bool unavailable;
    qapic_error *e = NULL;
    struct json_object *index = qapic__schema_index(c, &unavailable, &e);
    if (!index) {
        /* A QEMU too old to describe itself: nothing to check. */
        if (unavailable) {
            qapic_error_free(e);
            return 0;
        }
        return qapic__error_give(err, e);
    }
    char *who = qapic__this_qemu(c);
    int rc = qapic__check_args(index, who ? who : "this QEMU", command, args,
                               open, feature, ctx, err);
    free(who);
    return rc;
}

int qapic_client_check_call(qapic_client *c, const char *command,
                            struct json_object *args, qapic_error **err)
{
    if (!c || !command)
        return qapic_error_set(err, QAPIC_ERROR_INVALID,
                               "no client or command");
    return check_remote(c, command, args, false, NULL, NULL, err);
}

static const qapic_call_opts no_opts;

/* Encodes, applies the policy and the schema check.  *JARGS: the encoded
 * arguments (NULL when there are none to send). */
static int prepare(qapic_client *c, const qapic_command *cmd,
                   const void *args, const qapic_call_opts *o,
                   struct json_object **jargs, qapic_error **err)
{
    *jargs = NULL;
    if (!c || !cmd)
        return qapic_error_set(err, QAPIC_ERROR_INVALID,
                               "no client or command");
    if (o->oob && !(cmd->flags & QAPIC_COMMAND_ALLOW_OOB))
        return qapic_error_set(err, QAPIC_ERROR_INVALID, "'%s' cannot be "
                               "sent out of band: the schema does not allow "
                               "it", cmd->name);
    if (o->oob && !c->oob_enabled)
        return qapic_error_set(err, QAPIC_ERROR_INVALID, "cannot send '%s' "
                               "out of band: OOB is not enabled on this "
                               "connection", cmd->name);
    if (cmd->arg_type && args) {
        *jargs = qapic_encode(cmd->arg_type, args, "arguments", err);
        if (!*jargs)
            return -1;
        /* No arguments at all rather than an empty object. */
        if (json_object_is_type(*jargs, json_type_object)
            && json_object_object_length(*jargs) == 0) {
            json_object_put(*jargs);
            *jargs = NULL;
        }
    }
    pol p = { c, cmd->name, err, NULL, 0 };
    int rc = hit(&p, cmd->flags, qapic_rt_printf("command '%s'", cmd->name));
    if (rc == 0)
        rc = walk(&p, cmd->arg_type, *jargs, "");
    if (rc == 0 && c->opt.check_schema)
        rc = check_remote(c, cmd->name, *jargs,
                          (cmd->flags & QAPIC_COMMAND_GEN_FALSE) != 0,
                          remote_hit, &p, err);
    pol_fini(&p);
    if (rc < 0 && *jargs) {
        json_object_put(*jargs);
        *jargs = NULL;
    }
    return rc;
}

static int decode_return(const qapic_command *cmd, struct json_object *jret,
                         unsigned flags, void **ret, qapic_error **err)
{
    if (ret)
        *ret = NULL;
    if (!cmd->ret_type || !ret)
        return 0;
    *ret = qapic_decode(cmd->ret_type, jret, flags, "return", err);
    return *ret ? 0 : -1;
}

/* A per-call timeout: 0 is the client's. */
static int timeout_of(const qapic_client *c, int timeout_ms)
{
    return timeout_ms ? timeout_ms : c->opt.call_timeout_ms;
}

static int64_t deadline_of(const qapic_client *c, int timeout_ms)
{
    timeout_ms = timeout_of(c, timeout_ms);
    return timeout_ms < 0 ? -1 : qapic__now_ms() + timeout_ms;
}

/* A command with 'success-response': false gets no reply: sent, and done
 * once written. */
static int send_only(qapic_client *c, const qapic_command *cmd,
                     struct json_object *jargs, const qapic_call_opts *o,
                     qapic_error **err)
{
    qapic_pending *p = qapic__send_request(c, cmd->name, jargs, o->oob,
                                           o->fds, o->nfds, err);
    if (!p)
        return -1;
    p->kind = PENDING_ABANDONED;
    c->nabandoned++;
    int64_t deadline = deadline_of(c, o->timeout_ms);
    while (qapic_client_wants_write(c)) {
        int left = qapic__ms_left(deadline);
        if (left == 0)
            return qapic_error_set(err, QAPIC_ERROR_TIMEOUT, "could not send "
                                   "'%s' in time", cmd->name);
        if (qapic__pump(c, left, err) < 0)
            return -1;
    }
    return 0;
}

int qapic_client_call_opts(qapic_client *c, const qapic_command *cmd,
                           const void *args, const qapic_call_opts *o,
                           void **ret, qapic_error **err)
{
    struct json_object *jargs;
    if (ret)
        *ret = NULL;
    if (!o)
        o = &no_opts;
    if (prepare(c, cmd, args, o, &jargs, err) < 0)
        return -1;
    int rc = -1;
    if (cmd->flags & QAPIC_COMMAND_NO_SUCCESS_RESPONSE) {
        rc = send_only(c, cmd, jargs, o, err);
    } else {
        qapic_pending *p = qapic__send_request(c, cmd->name, jargs, o->oob,
                                               o->fds, o->nfds, err);
        struct json_object *jret = NULL;
        if (p) {
            p->kind = PENDING_SYNC;
            jret = qapic__wait(c, p, o->timeout_ms, err);
        }
        if (jret) {
            rc = decode_return(cmd, jret, o->decode_flags, ret, err);
            json_object_put(jret);
        }
    }
    if (jargs)
        json_object_put(jargs);
    return rc;
}

int qapic_client_call_fds(qapic_client *c, const qapic_command *cmd,
                          const void *args, const int *fds, size_t nfds,
                          void **ret, qapic_error **err)
{
    qapic_call_opts o = { .fds = fds, .nfds = nfds };
    return qapic_client_call_opts(c, cmd, args, &o, ret, err);
}

int qapic_client_call(qapic_client *c, const qapic_command *cmd,
                      const void *args, void **ret, qapic_error **err)
{
    return qapic_client_call_opts(c, cmd, args, NULL, ret, err);
}

typedef struct typed_call {
    const qapic_command *cmd;
    unsigned decode_flags;
    qapic_call_fn done;
    void *opaque;
} typed_call;

static void typed_done(qapic_client *c, struct json_object *jret,
                       qapic_error *e, void *opaque)
{
    typed_call *tc = opaque;
    void *box = NULL;
    if (jret) {
        decode_return(tc->cmd, jret, tc->decode_flags, &box, &e);
        json_object_put(jret);
    }
    if (tc->done)
        tc->done(c, tc->cmd, box, e, tc->opaque);
    else {
        if (box)
            qapic_free(tc->cmd->ret_type, box);
        qapic_error_free(e);
    }
    free(tc);
}

uint64_t qapic_client_call_async_opts(qapic_client *c,
                                      const qapic_command *cmd,
                                      const void *args,
                                      const qapic_call_opts *o,
                                      qapic_call_fn done, void *opaque,
                                      qapic_error **err)
{
    struct json_object *jargs;
    if (!o)
        o = &no_opts;
    if (prepare(c, cmd, args, o, &jargs, err) < 0)
        return 0;
    typed_call *tc = calloc(1, sizeof *tc);
    qapic_pending *p = NULL;
    if (!tc)
        qapic_error_set(err, QAPIC_ERROR_NOMEM, "out of memory");
    else
        p = qapic__send_request(c, cmd->name, jargs, o->oob, o->fds, o->nfds,
                                err);
    if (jargs)
        json_object_put(jargs);
    if (!p) {
        free(tc);
        return 0;
    }
    tc->cmd = cmd;
    tc->decode_flags = o->decode_flags;
    tc->done = done;
    tc->opaque = opaque;
    p->kind = PENDING_ASYNC;
    p->done = typed_done;
    p->opaque = tc;
    p->timeout_ms = timeout_of(c, o->timeout_ms);
    p->deadline = deadline_of(c, o->timeout_ms);
    /* No reply will come: it completes once written. */
    p->no_reply = (cmd->flags & QAPIC_COMMAND_NO_SUCCESS_RESPONSE) != 0;
    return p->id;
}

uint64_t qapic_client_call_async(qapic_client *c, const qapic_command *cmd,
                                 const void *args, qapic_call_fn done,
                                 void *opaque, qapic_error **err)
{
    return qapic_client_call_async_opts(c, cmd, args, NULL, done, opaque,
                                        err);
}

/* ---- typed events ------------------------------------------------------------- */

static void invoke_plain(qapic_fn fn, qapic_client *c,
                         const qapic_event_msg *ev, const void *data,
                         void *opaque)
{
    ((qapic_typed_event_fn)fn)(c, ev, data, opaque);
}

uint64_t qapic_client_on_typed_event_invoke(qapic_client *c,
                                            const qapic_event *ev,
                                            qapic_event_invoke_fn invoke,
                                            qapic_fn fn, void *opaque,
                                            qapic_error **err)
{
    if (!c || !ev || !invoke || !fn) {
        qapic_error_set(err, QAPIC_ERROR_INVALID,
                        "no client, event or callback");
        return 0;
    }
    qapic_listener *l = calloc(1, sizeof *l);
    if (!l || !(l->name = qapic_rt_strdup(ev->name))) {
        free(l);
        qapic_error_set(err, QAPIC_ERROR_NOMEM, "out of memory");
        return 0;
    }
    l->ev = ev;
    l->invoke = invoke;
    l->typed_fn = fn;
    l->opaque = opaque;
    return qapic__add_listener(c, l, err);
}

uint64_t qapic_client_on_typed_event(qapic_client *c, const qapic_event *ev,
                                     qapic_typed_event_fn fn, void *opaque,
                                     qapic_error **err)
{
    return qapic_client_on_typed_event_invoke(c, ev, invoke_plain,
                                              (qapic_fn)fn, opaque, err);
}

void qapic__deliver_typed(qapic_client *c, const qapic_listener *l,
                          const qapic_event_msg *msg)
{
    const qapic_type *t = l->ev->data_type;
    void *box = NULL;
    if (t) {
        struct json_object *empty = msg->data ? NULL
                                              : json_object_new_object();
        qapic_error *e = NULL;
        box = qapic_decode(t, msg->data ? msg->data : empty, 0, "data", &e);
        if (empty)
            json_object_put(empty);
        if (!box) {
            qapic__warn(c, "event %s: its data does not decode: %s",
                        msg->name, e ? e->message : "?");
            qapic_error_free(e);
            return;
        }
    }
    l->invoke(l->typed_fn, c, msg, box, l->opaque);
    if (box)
        qapic_free(t, box);
}
