/* The suites of the runtime's test support that talk QMP to the scripted
 * test peer (qapic/testpeer.h): every command stub and event handler, the
 * replay of capability dumps, the rule checks, and the skeletons' set-up.
 * The client of each test is checked against a schema: the oracle's (so
 * that the arguments a stub sends are checked as against a QEMU), or the
 * recorded QEMU's for replays. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal/client.h"
#include "internal/testgen.h"

/* A request the event test sends once its handler is registered, so that
 * the peer emits the event only then. */
#define SYNC_COMMAND "x-qapic-test-sync"

struct qapic_tg_env {
    const qapic_tg_schema *s;
    struct json_object *schema;         /* the oracle's */
    const qapic_tg_dump *dumps;
    size_t ndumps;
    struct json_object **dump_schemas;  /* per dump, or NULL */
};

qapic_tg_env *qapic_tg_env_new(const qapic_tg_schema *s,
                               const qapic_tg_dump *dumps, size_t ndumps)
{
    qapic_tg_env *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->s = s;
    e->schema = qapic_tg__introspect(s);
    e->dumps = dumps;
    e->ndumps = ndumps;
    e->dump_schemas = calloc(ndumps + 1, sizeof *e->dump_schemas);
    if (!e->schema || !e->dump_schemas) {
        qapic_tg_env_free(e);
        return NULL;
    }
    for (size_t i = 0; i < ndumps; i++)
        if (dumps[i].schema)
            qapic_json_parse(dumps[i].schema, strlen(dumps[i].schema),
                             &e->dump_schemas[i], NULL);
    return e;
}

void qapic_tg_env_free(qapic_tg_env *e)
{
    if (!e)
        return;
    for (size_t i = 0; e->dump_schemas && i < e->ndumps; i++)
        json_object_put(e->dump_schemas[i]);
    free(e->dump_schemas);
    json_object_put(e->schema);
    free(e);
}

struct json_object *qapic_tg_env_introspection(const qapic_tg_env *e)
{
    return e->schema;
}

const qapic_tg_schema *qapic_tg__env_schema(const qapic_tg_env *e)
{
    return e->s;
}

uint32_t qapic_tg_command_index(const qapic_tg_schema *s, const char *name)
{
    for (size_t i = 0; i < s->ncommands; i++)
        if (!strcmp(s->commands[i].name, name))
            return (uint32_t)i;
    return QAPIC_TG_NONE;
}

qapic_client *qapic_tg__client(qapic_testpeer *p, struct json_object *schema,
                               qapic_error **err)
{
    qapic_client_options o;
    qapic_client_options_init(&o);
    o.check_schema = schema != NULL;
    int fd = qapic_testpeer_start(p);
    if (fd < 0) {
        qapic_error_set(err, QAPIC_ERROR_INVALID,
                        "the test peer did not start");
        return NULL;
    }
    qapic_client *c = qapic_client_new(&o, err);
    if (!c)
        return NULL;
    if (schema)
        qapic_client_set_schema(c, schema);
    if (qapic_client_attach_fd(c, fd, true, err) < 0) {
        qapic_client_free(c);
        return NULL;
    }
    return c;
}

/* ---- shared pieces --------------------------------------------------------- */

static const qapic_type *desc_of(const qapic_tg_schema *s, uint32_t t)
{
    return t == QAPIC_TG_NONE ? NULL : s->types[t].desc;
}

/* The command's descriptor against the oracle. */
static bool check_command_desc(const qapic_tg_schema *s,
                               const qapic_tg_command *c, qapic_tg_msg *m)
{
    const qapic_command *d = c->desc;
    bool nsr = (d->flags & QAPIC_COMMAND_NO_SUCCESS_RESPONSE) != 0;
    if (strcmp(d->name, c->name) || d->arg_type != desc_of(s, c->args) ||
        d->ret_type != desc_of(s, c->ret) ||
        nsr != ((c->flags & QAPIC_TG_NO_SUCCESS_RESPONSE) != 0))
        return qapic_tg__fail(m, "command %s: the descriptor (%s, arguments "
                              "%s, return %s) disagrees with the schema",
                              c->name, d->name,
                              d->arg_type ? d->arg_type->name : "none",
                              d->ret_type ? d->ret_type->name : "none");
    if (s->bindings && qapic_schema_command(s->bindings, c->name) != d)
        return qapic_tg__fail(m, "command %s: the bindings' schema table "
                              "does not lead to its descriptor", c->name);
    return true;
}

/* {"execute": NAME, "arguments": ARGS}, without arguments when ARGS is
 * NULL or {} (the client sends none then). */
static char *request_text(const char *name, struct json_object *args)
{
    struct json_object *r = json_object_new_object();
    json_object_object_add(r, "execute", json_object_new_string(name));
    if (args && !(json_object_is_type(args, json_type_object) &&
                  json_object_object_length(args) == 0))
        json_object_object_add(r, "arguments", json_object_get(args));
    char *t = qapic_tg__text(r);
    json_object_put(r);
    return t;
}

static char *reply_text(struct json_object *ret)
{
    struct json_object *r = json_object_new_object();
    json_object_object_add(r, "return",
                           ret ? json_object_get(ret) : json_object_new_object());
    char *t = qapic_tg__text(r);
    json_object_put(r);
    return t;
}

/* The sample return R of type T with a member the schema lacks, when T
 * is a struct or union, or a list of them (in its first element): what
 * the _opts stub, asked to decode strictly, must refuse.  NULL otherwise. */
static struct json_object *with_unknown(const qapic_tg_schema *s, uint32_t t,
                                        struct json_object *r)
{
    struct json_object *copy = NULL, *obj;
    const qapic_tg_type *ty = &s->types[t];
    if (ty->kind == QAPIC_KIND_LIST)
        ty = &s->types[ty->element];
    if ((ty->kind != QAPIC_KIND_STRUCT && ty->kind != QAPIC_KIND_UNION) ||
        json_object_deep_copy(r, &copy, NULL) < 0)
        return NULL;
    obj = json_object_is_type(copy, json_type_array)
              ? json_object_array_get_idx(copy, 0) : copy;
    if (!json_object_is_type(obj, json_type_object)) {
        json_object_put(copy);
        return NULL;
    }
    json_object_object_add(obj, QAPIC_TG__UNKNOWN_NAME,
                           json_object_new_boolean(1));
    return copy;
}

/* What the _opts stub, decoding strictly, got for a reply with a member
 * the schema lacks: it must be a decode error naming that member. */
static bool check_strict_refusal(int rc, const qapic_error *err,
                                 const char *what, qapic_tg_msg *m)
{
    if (rc < 0 && err && err->kind == QAPIC_ERROR_DECODE &&
        strstr(err->message, QAPIC_TG__UNKNOWN_NAME))
        return true;
    return qapic_tg__fail(m, "%s: the _opts stub asked to decode strictly "
                          "%s a return with the unknown member '%s'%s%s",
                          what, rc < 0 ? "fails otherwise on" : "accepts",
                          QAPIC_TG__UNKNOWN_NAME, err ? ": " : "",
                          err ? err->message : "");
}

/* The peer's verdict, appended to a failure of the client's side. */
static bool peer_done(qapic_testpeer *p, const char *what, bool ok,
                      qapic_tg_msg *m)
{
    const char *failure = qapic_testpeer_finish(p);
    if (!failure)
        return ok;
    if (ok)
        return qapic_tg__fail(m, "%s: the test peer says: %s", what, failure);
    qapic_tg__note(m, " (the test peer says: %s)", failure);
    return false;
}

/* The typed return RET against sample R of type T. */
static bool check_return(const qapic_tg_schema *s, uint32_t t, void *ret,
                         const tg_sample *r, const char *what,
                         qapic_tg_msg *m)
{
    char why[600];
    qapic_error *err = NULL;
    if (!ret)
        return qapic_tg__fail(m, "%s: no return value", what);
    if (!qapic_tg__equal(s, t, r->box, ret, why, sizeof why))
        return qapic_tg__fail(m, "%s: the return decoded from %s: %s", what,
                              qapic_tg__quote(r->json, 0), why);
    struct json_object *back = qapic_encode(s->types[t].desc, ret, NULL, &err);
    bool ok = !err && qapic_json_equal(back, r->json);
    if (!ok)
        qapic_tg__fail(m, "%s: the return encodes as %s, not as received",
                       what, err ? err->message : qapic_tg__quote(back, 0));
    json_object_put(back);
    qapic_error_free(err);
    return ok;
}

/* ---- commands -------------------------------------------------------------- */

typedef struct async_result {
    bool done;
    void *ret;
    qapic_error *err;
} async_result;

static void async_done(qapic_client *c, const qapic_command *cmd, void *ret,
                       qapic_error *err, void *opaque)
{
    async_result *r = opaque;
    (void)c;
    (void)cmd;
    r->done = true;
    r->ret = ret;
    r->err = err;
}

/* The asynchronous stub, driven as an event loop would drive it. */
static int call_async(qapic_client *c, const qapic_tg_command *cmd,
                      const void *args, void **ret, qapic_error **err)
{
    async_result r = { false, NULL, NULL };
    *ret = NULL;
    if (!cmd->call_async(c, args, async_done, &r, err))
        return -1;
    int64_t deadline = qapic__now_ms() + 10000;
    while (!r.done && qapic__now_ms() < deadline) {
        struct pollfd pfd = { qapic_client_fd(c), POLLIN, 0 };
        if (qapic_client_wants_write(c))
            pfd.events |= POLLOUT;
        if (pfd.fd < 0 || poll(&pfd, 1, 100) < 0 ||
            qapic_client_process(c, r.done ? NULL : err) < 0)
            break;
    }
    if (!r.done)
        return *err ? -1 : qapic_error_set(err, QAPIC_ERROR_TIMEOUT,
                                           "no completion in 10 s");
    *ret = r.ret;
    if (r.err) {
        qapic__error_give(err, r.err);
        return -1;
    }
    return 0;
}

bool qapic_tg_check_command(const qapic_tg_env *e, size_t i,
                            qapic_tg_msg *msg)
{
    const qapic_tg_schema *s = e->s;
    const qapic_tg_command *c = &s->commands[i];
    tg_sample a = { 0 }, r = { 0 };
    char why[300], what[300];
    qapic_error *err = NULL;
    void *ret = NULL;
    bool ok = false;
    qapic_testpeer *p = NULL;
    qapic_client *cl = NULL;
    char *req = NULL, *rep = NULL, *rep_odd = NULL;

    msg->text[0] = '\0';
    if (!check_command_desc(s, c, msg))
        return false;
    snprintf(what, sizeof what, "command %s", c->name);
    if (c->args != QAPIC_TG_NONE &&
        !qapic_tg__sample_with(s, c->args, TG_FULL, NULL, &a, why, sizeof why))
        return qapic_tg__fail(msg, "%s: no sample arguments: %s", what, why);
    if (c->ret != QAPIC_TG_NONE &&
        !qapic_tg__sample_with(s, c->ret, TG_FULL, NULL, &r, why, sizeof why)) {
        qapic_tg__fail(msg, "%s: no sample return: %s", what, why);
        goto out;
    }
    req = request_text(c->name, a.json);
    rep = reply_text(r.json);
    if (!(p = qapic_testpeer_new())) {
        qapic_tg__fail(msg, "%s: no test peer (out of memory)", what);
        goto out;
    }
    bool nsr = c->flags & QAPIC_TG_NO_SUCCESS_RESPONSE;
    static const char *const stubs[] = {
        "the stub", "the _opts stub (strict decoding)", "the asynchronous stub",
    };
    /* The _opts stub decodes strictly: its options must reach the
     * decoder, so where the return can carry an unknown member it gets
     * one and must refuse it. */
    qapic_call_opts strict = { .timeout_ms = 10000,
                               .decode_flags = QAPIC_DECODE_STRICT };
    struct json_object *odd = nsr || c->ret == QAPIC_TG_NONE
                                  ? NULL : with_unknown(s, c->ret, r.json);
    rep_odd = odd ? reply_text(odd) : NULL;
    json_object_put(odd);
    qapic_testpeer_handshake(p);
    for (int k = 0; k < 3; k++)
        if (nsr)
            qapic_testpeer_expect(p, req);
        else
            qapic_testpeer_exchange(p, req, k == 1 && rep_odd ? rep_odd : rep);
    if (!(cl = qapic_tg__client(p, e->schema, &err))) {
        qapic_tg__fail(msg, "%s: cannot connect: %s", what, err->message);
        goto out;
    }
    ok = true;
    for (int k = 0; ok && k < 3; k++) {
        const char *stub = stubs[k];
        int rc = k == 2 ? call_async(cl, c, a.box, &ret, &err)
               : k == 1 ? c->call_opts(cl, a.box, &strict, &ret, &err)
                        : c->call(cl, a.box, &ret, &err);
        if (k == 1 && rep_odd)
            ok = check_strict_refusal(rc, err, what, msg);
        else if (rc < 0)
            ok = qapic_tg__fail(msg, "%s: %s fails (the request should be "
                                "%s): %s", what, stub, req,
                                err ? err->message : "no error");
        else if (c->ret != QAPIC_TG_NONE)
            ok = check_return(s, c->ret, ret, &r, what, msg);
        if (ret)
            qapic_free(desc_of(s, c->ret), ret);
        ret = NULL;
    }
    ok = peer_done(p, what, ok, msg);
out:
    if (ret)
        qapic_free(desc_of(s, c->ret), ret);
    qapic_client_free(cl);
    qapic_testpeer_free(p);
    qapic_error_free(err);
    free(req);
    free(rep);
    free(rep_odd);
    qapic_tg__sample_free(s, c->args, &a);
    if (c->ret != QAPIC_TG_NONE)
        qapic_tg__sample_free(s, c->ret, &r);
    return ok;
}

/* ---- events ------------------------------------------------------------------- */

typedef struct seen {
    const qapic_tg_schema *s;
    const qapic_tg_event *ev;
    const tg_sample *data;
    int count;
    bool ok;
    char why[700];
} seen;

void qapic_tg_event_seen(const qapic_event_msg *ev, const void *data,
                         void *opaque)
{
    seen *sn = opaque;
    char why[600];
    sn->count++;
    if (!ev || strcmp(ev->name, sn->ev->name)) {
        sn->ok = false;
        snprintf(sn->why, sizeof sn->why, "the handler got event %s",
                 ev ? ev->name : "NULL");
    } else if (sn->ev->data != QAPIC_TG_NONE &&
               (!data || !qapic_tg__equal(sn->s, sn->ev->data, sn->data->box,
                                          data, why, sizeof why))) {
        sn->ok = false;
        snprintf(sn->why, sizeof sn->why, "the data decoded from %s: %s",
                 qapic_tg__quote(sn->data->json, 0), data ? why : "NULL");
    }
}

bool qapic_tg_check_event(const qapic_tg_env *e, size_t i, qapic_tg_msg *msg)
{
    const qapic_tg_schema *s = e->s;
    const qapic_tg_event *ev = &s->events[i];
    tg_sample d = { 0 };
    char why[300], what[300];
    qapic_error *err = NULL;
    bool ok = false;
    qapic_testpeer *p = NULL;
    qapic_client *c = NULL;
    char *data = NULL;
    seen sn = { s, ev, &d, 0, true, "" };

    msg->text[0] = '\0';
    snprintf(what, sizeof what, "event %s", ev->name);
    if (strcmp(ev->desc->name, ev->name) ||
        ev->desc->data_type != desc_of(s, ev->data) ||
        (s->bindings && qapic_schema_event(s->bindings, ev->name) != ev->desc))
        return qapic_tg__fail(msg, "%s: the descriptor disagrees with the "
                              "schema", what);
    if (ev->data != QAPIC_TG_NONE &&
        !qapic_tg__sample_with(s, ev->data, TG_FULL, NULL, &d, why, sizeof why))
        return qapic_tg__fail(msg, "%s: no sample data: %s", what, why);
    data = ev->data != QAPIC_TG_NONE ? qapic_tg__text(d.json) : NULL;
    if (!(p = qapic_testpeer_new())) {
        qapic_tg__fail(msg, "%s: no test peer (out of memory)", what);
        goto out;
    }
    qapic_testpeer_handshake(p);
    qapic_testpeer_exchange(p, "{\"execute\": \"" SYNC_COMMAND "\"}",
                            "{\"return\": {}}");
    qapic_testpeer_event(p, ev->name, data);
    if (!(c = qapic_tg__client(p, NULL, &err))) {
        qapic_tg__fail(msg, "%s: cannot connect: %s", what, err->message);
        goto out;
    }
    struct json_object *r = NULL;
    if (!ev->on(c, &sn, &err) ||
        !(r = qapic_client_execute(c, SYNC_COMMAND, NULL, 0, &err))) {
        qapic_tg__fail(msg, "%s: cannot register the handler: %s", what,
                       err ? err->message : "no error");
        goto done;
    }
    json_object_put(r);
    qapic_event_msg *got = qapic_client_next_event(c, ev->name, 5000, &err);
    if (!got)
        qapic_tg__fail(msg, "%s: the event did not arrive: %s", what,
                       err ? err->message : "timeout");
    else if (sn.count != 1 || !sn.ok)
        qapic_tg__fail(msg, "%s (sent with data %s): the typed handler ran %d "
                       "times%s%s", what, data ? data : "none", sn.count,
                       sn.ok ? "" : "; ", sn.why);
    else
        ok = true;
    qapic_event_msg_free(got);
done:
    ok = peer_done(p, what, ok, msg);
out:
    qapic_client_free(c);
    qapic_testpeer_free(p);
    qapic_error_free(err);
    free(data);
    if (ev->data != QAPIC_TG_NONE)
        qapic_tg__sample_free(s, ev->data, &d);
    return ok;
}

/* ---- replay ----------------------------------------------------------------- */

static struct json_object *parse(const char *text)
{
    struct json_object *j = NULL;
    if (text)
        qapic_json_parse(text, strlen(text), &j, NULL);
    return j;
}

static struct json_object *member(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* The recorded reply against what the stub did. */
static bool check_replayed(const qapic_tg_schema *s,
                           const qapic_tg_command *c, struct json_object *rep,
                           int rc, void *ret, const qapic_error *err,
                           const char *what, qapic_tg_msg *m)
{
    struct json_object *r = member(rep, "return"), *e = member(rep, "error");
    if (e) {
        const char *cls = json_object_get_string(member(e, "class"));
        const char *desc = json_object_get_string(member(e, "desc"));
        if (rc == 0 || !err || err->kind != QAPIC_ERROR_QMP ||
            strcmp(err->qmp_class ? err->qmp_class : "", cls ? cls : "") ||
            strcmp(err->qmp_desc ? err->qmp_desc : "", desc ? desc : ""))
            return qapic_tg__fail(m, "%s: the recorded error %s: %s is not "
                                  "what the stub reports (%s)", what, cls,
                                  desc, err ? err->message : "success");
        return true;
    }
    if (rc != 0)
        return qapic_tg__fail(m, "%s: the stub fails: %s", what,
                              err ? err->message : "no error");
    if (c->ret == QAPIC_TG_NONE)
        return true;
    const qapic_type *t = desc_of(s, c->ret);
    qapic_error *e2 = NULL;
    struct json_object *back = qapic_encode(t, ret, NULL, &e2);
    bool ok = !e2 && qapic_json_equal(back, r);
    if (!ok)
        qapic_tg__fail(m, "%s: the typed return encodes as %s, not as "
                       "recorded", what,
                       e2 ? e2->message : qapic_tg__quote(back, 0));
    json_object_put(back);
    qapic_error_free(e2);
    e2 = NULL;
    void *strict = ok ? qapic_decode(t, r, QAPIC_DECODE_STRICT, "return", &e2)
                      : NULL;
    if (ok && !strict)
        ok = qapic_tg__fail(m, "%s: the recorded return does not decode "
                            "strictly: %s", what, e2 ? e2->message : "?");
    qapic_free(t, strict);
    qapic_error_free(e2);
    return ok;
}

bool qapic_tg_check_record(const qapic_tg_env *e, size_t k,
                           qapic_tg_msg *msg)
{
    const qapic_tg_schema *s = e->s;
    size_t d = 0, r = k;
    while (d < e->ndumps && r >= e->dumps[d].nrecords)
        r -= e->dumps[d++].nrecords;
    if (d == e->ndumps)
        return qapic_tg__fail(msg, "no record %zu", k);
    const qapic_tg_dump *dump = &e->dumps[d];
    const qapic_tg_record *rec = &dump->records[r];
    const qapic_tg_command *c = &s->commands[rec->command];
    char what[512];
    qapic_error *err = NULL;
    void *args = NULL, *ret = NULL;
    bool ok = false;
    qapic_testpeer *p = NULL;
    qapic_client *cl = NULL;
    char *want = NULL, *rep_text = NULL;

    msg->text[0] = '\0';
    snprintf(what, sizeof what, "%s line %u, %s", dump->name,
             (unsigned)rec->line, c->name);
    struct json_object *req = parse(rec->request), *rep = parse(rec->reply);
    if (!req || !rep) {
        qapic_tg__fail(msg, "%s: the recording is not JSON", what);
        goto out;
    }
    struct json_object *ja = member(req, "arguments");
    if (ja && c->args != QAPIC_TG_NONE &&
        !(args = qapic_decode(desc_of(s, c->args), ja, 0, "arguments", &err))) {
        qapic_tg__fail(msg, "%s: the recorded arguments do not decode: %s",
                       what, err->message);
        goto out;
    }
    json_object_object_del(rep, "id");
    want = request_text(c->name, ja);
    rep_text = qapic_tg__text(rep);
    if (!(p = qapic_testpeer_new())) {
        qapic_tg__fail(msg, "%s: no test peer (out of memory)", what);
        goto out;
    }
    qapic_testpeer_handshake(p);
    if (c->flags & QAPIC_TG_NO_SUCCESS_RESPONSE)
        qapic_testpeer_expect(p, want);
    else
        qapic_testpeer_exchange(p, want, rep_text);
    if (!(cl = qapic_tg__client(p, e->dump_schemas[d], &err))) {
        qapic_tg__fail(msg, "%s: cannot connect: %s", what, err->message);
        goto out;
    }
    int rc = c->call(cl, args, &ret, &err);
    ok = (c->flags & QAPIC_TG_NO_SUCCESS_RESPONSE)
             ? (rc == 0 || qapic_tg__fail(msg, "%s: the stub fails: %s", what,
                                          err ? err->message : "no error"))
             : check_replayed(s, c, rep, rc, ret, err, what, msg);
    ok = peer_done(p, what, ok, msg);
out:
    if (ret)
        qapic_free(desc_of(s, c->ret), ret);
    if (args)
        qapic_free(desc_of(s, c->args), args);
    qapic_client_free(cl);
    qapic_testpeer_free(p);
    qapic_error_free(err);
    json_object_put(req);
    json_object_put(rep);
    free(want);
    free(rep_text);
    return ok;
}

/* ---- rules --------------------------------------------------------------------- */

/* The groups of R named by the bits of MASK, as paths. */
static void group_paths(const qapic_tg_oneof *r, unsigned mask, tg_paths *out)
{
    out->n = 0;
    for (size_t g = 0; g < r->groups.n; g++)
        if (mask & (1u << g))
            for (size_t i = 0; i < r->groups.groups[g].n && out->n < TG_MAX_PATHS; i++)
                out->p[out->n++] = r->groups.groups[g].paths[i];
}

void qapic_tg__mask_text(const qapic_tg_oneof *r, unsigned mask, char *buf,
                      size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t g = 0; g < r->groups.n && n < size; g++) {
        if (!(mask & (1u << g)))
            continue;
        n += (size_t)snprintf(buf + n, size - n, "%s[", n ? " and " : "");
        for (size_t i = 0; i < r->groups.groups[g].n && n < size; i++)
            n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
                                  r->groups.groups[g].paths[i]);
        if (n < size)
            n += (size_t)snprintf(buf + n, size - n, "]");
    }
    if (!mask)
        snprintf(buf, size, "no group");
}

bool qapic_tg__oneof_args(const qapic_tg_schema *s, const qapic_tg_oneof *r,
                          unsigned mask, tg_sample *out,
                          struct json_object **enc, qapic_tg_msg *m)
{
    const qapic_tg_command *c = &s->commands[r->command];
    char why[300], groups[300];
    tg_paths paths;
    qapic_error *err = NULL;
    *enc = NULL;
    qapic_tg__mask_text(r, mask, groups, sizeof groups);
    if (c->args == QAPIC_TG_NONE)
        return qapic_tg__fail(m, "rule %s: %s takes no arguments", r->rule,
                              c->name);
    group_paths(r, mask, &paths);
    if (!qapic_tg__sample_with(s, c->args, TG_MIN, &paths, out, why,
                               sizeof why))
        return qapic_tg__fail(m, "rule %s: no arguments of %s with %s: %s",
                              r->rule, c->name, groups, why);
    *enc = qapic_encode(desc_of(s, c->args), out->box, "arguments", &err);
    if (err) {
        qapic_tg__fail(m, "rule %s: the arguments with %s do not encode: %s",
                       r->rule, groups, err->message);
        qapic_error_free(err);
        return false;
    }
    for (size_t g = 0; g < r->groups.n; g++)
        for (size_t i = 0; i < r->groups.groups[g].n; i++) {
            const char *path = r->groups.groups[g].paths[i];
            bool there = qapic_tg__path_present(path, *enc);
            if (there != ((mask >> g) & 1))
                return qapic_tg__fail(m, "rule %s: arguments of %s with %s "
                                      "%s '%s': %s", r->rule, c->name, groups,
                                      there ? "also have" : "lack", path,
                                      qapic_tg__quote(*enc, 0));
        }
    return true;
}

size_t qapic_tg__oneof_masks(const qapic_tg_oneof *r, unsigned *masks,
                          bool *refused)
{
    size_t n = 0;
    if (r->groups.n >= 2) {
        masks[n] = 3;
        refused[n++] = true;
    }
    masks[n] = 0;
    refused[n++] = true;
    for (size_t g = 0; g < r->groups.n && g < 16; g++) {
        masks[n] = 1u << g;
        refused[n++] = false;
    }
    return n;
}

bool qapic_tg_check_oneof(const qapic_tg_env *e, const qapic_tg_oneof *r,
                          qapic_tg_msg *msg)
{
    unsigned masks[20];
    bool refused[20];
    size_t n = qapic_tg__oneof_masks(r, masks, refused);
    msg->text[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        tg_sample a = { 0 };
        struct json_object *enc = NULL;
        char groups[300];
        bool ok = qapic_tg__oneof_args(e->s, r, masks[k], &a, &enc, msg);
        if (ok) {
            qapic_error *err = NULL;
            int rc = qapic_oneof_check(&r->groups, enc, &err);
            qapic_tg__mask_text(r, masks[k], groups, sizeof groups);
            if ((rc < 0) != refused[k])
                ok = qapic_tg__fail(msg, "rule %s: the client-side check %s "
                                    "%s with %s: %s", r->rule,
                                    rc < 0 ? "refuses" : "accepts",
                                    e->s->commands[r->command].name, groups,
                                    err ? err->message
                                        : qapic_tg__quote(enc, 0));
            qapic_error_free(err);
        }
        json_object_put(enc);
        qapic_tg__sample_free(e->s, e->s->commands[r->command].args, &a);
        if (!ok)
            return false;
    }
    return true;
}

/* The stub called with A against a peer serving SCHEMA; REFUSED: it must
 * fail with an UNSUPPORTED error and send nothing. */
static bool call_against(const qapic_tg_schema *s, const qapic_tg_command *c,
                         const tg_sample *a, struct json_object *schema,
                         bool refused, const char *what, qapic_tg_msg *m)
{
    qapic_error *err = NULL;
    void *ret = NULL;
    bool ok = false;
    tg_sample r = { 0 };
    char why[300];
    char *req = request_text(c->name, a->json), *rep = NULL;
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_client *cl = NULL;
    if (!p)
        goto out;
    qapic_testpeer_handshake(p);
    if (!refused) {
        if (c->ret != QAPIC_TG_NONE &&
            !qapic_tg__sample_with(s, c->ret, TG_FULL, NULL, &r, why,
                                   sizeof why)) {
            qapic_tg__fail(m, "%s: no sample return: %s", what, why);
            goto out;
        }
        rep = reply_text(r.json);
        qapic_testpeer_exchange(p, req, rep);
    }
    if (!(cl = qapic_tg__client(p, schema, &err))) {
        qapic_tg__fail(m, "%s: cannot connect: %s", what, err->message);
        goto out;
    }
    int rc = c->call(cl, a->box, &ret, &err);
    if (refused)
        ok = (rc < 0 && err && err->kind == QAPIC_ERROR_UNSUPPORTED) ||
             qapic_tg__fail(m, "%s: the stub %s against a schema without it%s%s",
                            what, rc < 0 ? "fails otherwise" : "sends the call",
                            err ? ": " : "", err ? err->message : "");
    else
        ok = rc == 0 || qapic_tg__fail(m, "%s: the stub fails against the "
                                       "whole schema: %s", what,
                                       err ? err->message : "no error");
    ok = peer_done(p, what, ok, m);
out:
    if (ret)
        qapic_free(desc_of(s, c->ret), ret);
    if (c->ret != QAPIC_TG_NONE)
        qapic_tg__sample_free(s, c->ret, &r);
    qapic_client_free(cl);
    qapic_testpeer_free(p);
    qapic_error_free(err);
    free(req);
    free(rep);
    return ok;
}

bool qapic_tg_check_minversion(const qapic_tg_env *e,
                               const qapic_tg_minversion *r,
                               qapic_tg_msg *msg)
{
    const qapic_tg_schema *s = e->s;
    const qapic_tg_command *c = &s->commands[r->command];
    char what[512], why[300];
    tg_sample a = { 0 };
    struct json_object *old = NULL;
    bool ok = false;

    msg->text[0] = '\0';
    snprintf(what, sizeof what, "rule %s: %s with '%s' (since %s)", r->rule,
             c->name, r->path, r->version);
    tg_paths paths = { { r->path }, 1 };
    if (c->args == QAPIC_TG_NONE ||
        !qapic_tg__sample_with(s, c->args, TG_MIN, &paths, &a, why, sizeof why))
        return qapic_tg__fail(msg, "%s: no arguments: %s", what,
                              c->args == QAPIC_TG_NONE ? "it takes none" : why);
    if (!qapic_tg__path_present(r->path, a.json)) {
        qapic_tg__fail(msg, "%s: the sample arguments lack it: %s", what,
                       qapic_tg__quote(a.json, 0));
        goto out;
    }
    json_object_deep_copy(e->schema, &old, NULL);
    if (!old || !qapic_tg__schema_remove(old, c->name, r->path)) {
        qapic_tg__fail(msg, "%s: the path does not lead anywhere in the "
                       "schema", what);
        goto out;
    }
    ok = call_against(s, c, &a, old, true, what, msg) &&
         call_against(s, c, &a, e->schema, false, what, msg);
out:
    json_object_put(old);
    qapic_tg__sample_free(s, c->args, &a);
    return ok;
}

/* ---- skeletons ------------------------------------------------------------ */

typedef struct user_priv {
    const qapic_tg_schema *s;
    tg_sample args;
} user_priv;

bool qapic_tg_user_begin(qapic_tg_user *u, const qapic_tg_env *e,
                         const char *command, const char *request,
                         const char *reply, qapic_tg_msg *msg)
{
    const qapic_tg_schema *s = e ? e->s : NULL;
    char why[300];
    qapic_error *err = NULL;
    tg_sample r = { 0 };
    char *req = NULL, *rep = NULL;
    memset(u, 0, sizeof *u);
    msg->text[0] = '\0';
    if (!s)
        return qapic_tg__fail(msg, "no test environment (out of memory)");
    uint32_t i = qapic_tg_command_index(s, command);
    if (i == QAPIC_TG_NONE)
        return qapic_tg__fail(msg, "no command %s in the bindings", command);
    const qapic_tg_command *c = &s->commands[i];
    user_priv *up = calloc(1, sizeof *up);
    if (!up)
        return qapic_tg__fail(msg, "out of memory");
    u->priv = up;
    up->s = s;
    u->command = c;
    if (c->args != QAPIC_TG_NONE &&
        !qapic_tg__sample_with(s, c->args, TG_FULL, NULL, &up->args, why,
                               sizeof why)) {
        qapic_tg_user_end(u, NULL);
        return qapic_tg__fail(msg, "%s: no sample arguments: %s", command, why);
    }
    u->args = up->args.box;
    if (!reply && c->ret != QAPIC_TG_NONE &&
        !qapic_tg__sample_with(s, c->ret, TG_FULL, NULL, &r, why, sizeof why)) {
        qapic_tg_user_end(u, NULL);
        return qapic_tg__fail(msg, "%s: no sample return: %s", command, why);
    }
    if (!request)
        request = req = request_text(c->name, up->args.json);
    if (!reply)
        reply = rep = reply_text(r.json);
    if (c->ret != QAPIC_TG_NONE)
        qapic_tg__sample_free(s, c->ret, &r);
    u->peer = qapic_testpeer_new();
    if (u->peer) {
        qapic_testpeer_handshake(u->peer);
        if (c->flags & QAPIC_TG_NO_SUCCESS_RESPONSE)
            qapic_testpeer_expect(u->peer, request);
        else
            qapic_testpeer_exchange(u->peer, request, reply);
        u->client = qapic_tg__client(u->peer, e->schema, &err);
    }
    free(req);
    free(rep);
    if (!u->client) {
        qapic_tg__fail(msg, "%s: cannot connect to the test peer: %s",
                       command, err ? err->message : "out of memory");
        qapic_error_free(err);
        qapic_tg_user_end(u, NULL);
        return false;
    }
    return true;
}

bool qapic_tg_user_end(qapic_tg_user *u, qapic_tg_msg *msg)
{
    bool ok = true;
    user_priv *up = u->priv;
    if (msg)
        msg->text[0] = '\0';
    if (u->peer && u->client) {
        const char *failure = qapic_testpeer_finish(u->peer);
        if (failure)
            ok = qapic_tg__fail(msg, "%s: the test peer says: %s",
                                u->command->name, failure);
    }
    qapic_client_free(u->client);
    qapic_testpeer_free(u->peer);
    if (up) {
        if (u->command && u->command->args != QAPIC_TG_NONE)
            qapic_tg__sample_free(up->s, u->command->args, &up->args);
        free(up);
    }
    memset(u, 0, sizeof *u);
    return ok;
}
