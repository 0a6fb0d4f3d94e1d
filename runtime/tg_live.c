/* Live mode of the runtime's test support (qapic/testgen.h): a real QEMU,
 * started privately and never left running, against which the generated
 * suites run every side-effect-free query and the one-of rules. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <json-c/json.h>

#include "internal/testgen.h"

#define MAX_ARGS 64

struct qapic_tg_live {
    const qapic_tg_env *e;
    pid_t pid;                  /* 0 once reaped */
    char dir[64];
    char qmp[128];              /* DIR/qmp.sock */
    char log[128];              /* DIR/qemu.log */
    struct json_object *schema; /* its query-qmp-schema, fetched once */
};

bool qapic_tg_live_enabled(qapic_tg_msg *msg)
{
    const char *bin = getenv(QAPIC_TG_QEMU_ENV);
    if (!bin || !*bin)
        return qapic_tg__fail(msg, "%s is not set (the path of a "
                              "qemu-system binary)", QAPIC_TG_QEMU_ENV);
    if (access(bin, X_OK) != 0)
        return qapic_tg__fail(msg, "%s=%s is not executable",
                              QAPIC_TG_QEMU_ENV, bin);
    return true;
}

/* QEMU's log so far (for messages), in BUF. */
static const char *log_text(const qapic_tg_live *l, char *buf, size_t size)
{
    FILE *f = fopen(l->log, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return n ? buf : "(its log is empty)";
}

/* Waits up to MS for the QEMU to end; whether it did (and was reaped). */
static bool reap(qapic_tg_live *l, int ms)
{
    for (int waited = 0; l->pid > 0; waited += 10) {
        int status;
        pid_t r = waitpid(l->pid, &status, WNOHANG);
        if (r == l->pid || (r < 0 && errno == ECHILD)) {
            l->pid = 0;
            break;
        }
        if (waited >= ms)
            return false;
        struct timespec ts = { 0, 10 * 1000000 };
        nanosleep(&ts, NULL);
    }
    return true;
}

void qapic_tg_live_stop(qapic_tg_live *l)
{
    if (!l)
        return;
    if (l->pid > 0) {
        kill(l->pid, SIGTERM);
        if (!reap(l, 3000)) {
            kill(-l->pid, SIGKILL);
            kill(l->pid, SIGKILL);
            reap(l, 10000);
        }
    }
    if (l->dir[0]) {
        unlink(l->qmp);
        unlink(l->log);
        rmdir(l->dir);
    }
    json_object_put(l->schema);
    free(l);
}

/* Everything the child needs, made before fork (only async-signal-safe
 * calls happen between fork and exec). */
typedef struct spawn {
    const char *argv[MAX_ARGS + 1];
    char chardev[256];
    char *extra_env;            /* a copy of $QAPIC_TEST_QEMU_ARGS */
} spawn;

static void spawn_args(spawn *sp, const char *bin, const qapic_tg_live *l,
                       const char *const *extra)
{
    static const char *const base[] = {
        "-M", "none", "-nodefaults", "-display", "none", "-accel", "tcg",
    };
    size_t n = 0;
    snprintf(sp->chardev, sizeof sp->chardev,
             "socket,id=qapic0,path=%s,server=on,wait=off", l->qmp);
    sp->argv[n++] = bin;
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
        sp->argv[n++] = base[i];
    sp->argv[n++] = "-chardev";
    sp->argv[n++] = sp->chardev;
    sp->argv[n++] = "-mon";
    sp->argv[n++] = "chardev=qapic0,mode=control";
    for (size_t i = 0; extra && extra[i] && n < MAX_ARGS; i++)
        sp->argv[n++] = extra[i];
    const char *env = getenv(QAPIC_TG_QEMU_ARGS_ENV);
    sp->extra_env = env ? qapic_rt_strdup(env) : NULL;
    for (char *tok = sp->extra_env ? strtok(sp->extra_env, " ") : NULL;
         tok && n < MAX_ARGS; tok = strtok(NULL, " "))
        sp->argv[n++] = tok;
    sp->argv[n] = NULL;
}

static void child(const spawn *sp, const qapic_tg_live *l, pid_t parent)
{
    setpgid(0, 0);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != parent)
        _exit(127);
    int null = open("/dev/null", O_RDONLY);
    int log = open(l->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (null < 0 || log < 0)
        _exit(127);
    dup2(null, 0);
    dup2(log, 1);
    dup2(log, 2);
    execv(sp->argv[0], (char *const *)sp->argv);
    _exit(127);
}

/* Waits up to 20 s for the QMP socket to appear; false as soon as the
 * QEMU has ended (a bad argument), without waiting out the time. */
static bool wait_for_socket(qapic_tg_live *l)
{
    for (int waited = 0; waited < 20000; waited += 10) {
        if (access(l->qmp, F_OK) == 0)
            return true;
        int status;
        if (waitpid(l->pid, &status, WNOHANG) == l->pid) {
            l->pid = 0;
            return false;
        }
        struct timespec ts = { 0, 10 * 1000000 };
        nanosleep(&ts, NULL);
    }
    return true;    /* let the connection say what is wrong */
}

/* A client of L's QEMU, its schema taken from L once fetched. */
static qapic_client *connect_live(const qapic_tg_live *l, qapic_error **err)
{
    qapic_client_options o;
    qapic_client_options_init(&o);
    o.connect_timeout_ms = 20000;
    o.call_timeout_ms = 60000;
    qapic_client *c = qapic_client_new(&o, err);
    if (!c)
        return NULL;
    if (l->schema)
        qapic_client_set_schema(c, l->schema);
    if (qapic_client_connect_unix(c, l->qmp, err) < 0) {
        qapic_client_free(c);
        return NULL;
    }
    return c;
}

qapic_tg_live *qapic_tg_live_start(const qapic_tg_env *e,
                                   const char *const *extra,
                                   qapic_tg_msg *msg)
{
    char logbuf[1500];
    qapic_error *err = NULL;
    if (!qapic_tg_live_enabled(msg))
        return NULL;
    qapic_tg_live *l = calloc(1, sizeof *l);
    if (!l) {
        qapic_tg__fail(msg, "out of memory");
        return NULL;
    }
    l->e = e;
    snprintf(l->dir, sizeof l->dir, "/tmp/qapic-tg-%ld-XXXXXX",
             (long)getpid());
    if (!mkdtemp(l->dir)) {
        qapic_tg__fail(msg, "cannot create a directory for QEMU: %s",
                       strerror(errno));
        l->dir[0] = '\0';
        qapic_tg_live_stop(l);
        return NULL;
    }
    snprintf(l->qmp, sizeof l->qmp, "%s/qmp.sock", l->dir);
    snprintf(l->log, sizeof l->log, "%s/qemu.log", l->dir);
    spawn sp;
    spawn_args(&sp, getenv(QAPIC_TG_QEMU_ENV), l, extra);
    pid_t parent = getpid();
    fflush(NULL);
    l->pid = fork();
    if (l->pid == 0)
        child(&sp, l, parent);
    free(sp.extra_env);
    if (l->pid < 0) {
        l->pid = 0;
        qapic_tg__fail(msg, "cannot fork: %s", strerror(errno));
        qapic_tg_live_stop(l);
        return NULL;
    }
    /* Also from here, so that kill(-pid) works at once. */
    setpgid(l->pid, l->pid);
    if (!wait_for_socket(l)) {
        qapic_tg__fail(msg, "QEMU (%s) ended before it listened: %s",
                       getenv(QAPIC_TG_QEMU_ENV),
                       log_text(l, logbuf, sizeof logbuf));
        qapic_tg_live_stop(l);
        return NULL;
    }
    qapic_client *c = connect_live(l, &err);
    struct json_object *schema = c ? qapic_client_schema(c, &err) : NULL;
    if (schema)
        l->schema = json_object_get(schema);
    qapic_client_free(c);
    if (!l->schema) {
        qapic_tg__fail(msg, "QEMU (%s) did not come up: %s; %s",
                       getenv(QAPIC_TG_QEMU_ENV),
                       err ? err->message : "no schema",
                       log_text(l, logbuf, sizeof logbuf));
        qapic_error_free(err);
        qapic_tg_live_stop(l);
        return NULL;
    }
    return l;
}

size_t qapic_tg_nlive_queries(const qapic_tg_schema *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->ncommands; i++)
        n += (s->commands[i].flags & QAPIC_TG_LIVE_QUERY) != 0;
    return n;
}

bool qapic_tg_check_live_query(qapic_tg_live *l, size_t k, qapic_tg_msg *msg)
{
    const qapic_tg_schema *s = qapic_tg__env_schema(l->e);
    size_t i = 0;
    for (size_t seen = 0; i < s->ncommands; i++)
        if ((s->commands[i].flags & QAPIC_TG_LIVE_QUERY) && seen++ == k)
            break;
    if (i == s->ncommands)
        return qapic_tg__fail(msg, "no live query %zu", k);
    const qapic_tg_command *c = &s->commands[i];
    qapic_error *err = NULL;
    void *ret = NULL, *strict = NULL;
    bool ok = false;
    char logbuf[600];
    msg->text[0] = '\0';
    qapic_client *cl = connect_live(l, &err);
    if (!cl) {
        qapic_tg__fail(msg, "%s: cannot connect to QEMU: %s; %s", c->name,
                       err ? err->message : "?",
                       log_text(l, logbuf, sizeof logbuf));
        goto out;
    }
    if (qapic_client_check_call(cl, c->name, NULL, &err) < 0) {
        ok = err && err->kind == QAPIC_ERROR_UNSUPPORTED;
        if (ok)
            qapic_tg__fail(msg, "%s: not offered by this QEMU", c->name);
        else
            qapic_tg__fail(msg, "%s: %s", c->name, err ? err->message : "?");
        goto out;
    }
    /* Through the _opts stub, decoding strictly: a member or value the
     * bindings lack fails; then through the plain stub, leniently. */
    qapic_call_opts opts = { .decode_flags = QAPIC_DECODE_STRICT };
    if (c->call_opts(cl, NULL, &opts, &strict, &err) < 0) {
        ok = err && err->kind == QAPIC_ERROR_QMP;
        if (err && err->kind == QAPIC_ERROR_DECODE)
            qapic_tg__fail(msg, "%s: the reply does not decode strictly (the "
                           "bindings and this QEMU disagree): %s", c->name,
                           err->message);
        else
            qapic_tg__fail(msg, "%s: %s%s", c->name,
                           ok ? "QEMU answers " : "", err ? err->message : "?");
        goto out;
    }
    if (c->call(cl, NULL, &ret, &err) < 0) {
        qapic_tg__fail(msg, "%s: the typed stub fails: %s", c->name,
                       err ? err->message : "?");
        goto out;
    }
    ok = true;
out:
    if (c->ret != QAPIC_TG_NONE) {
        qapic_free(s->types[c->ret].desc, ret);
        qapic_free(s->types[c->ret].desc, strict);
    }
    qapic_error_free(err);
    qapic_client_free(cl);
    return ok;
}

/* One call of a live one-of test: QEMU's answer, and the client-side
 * check's verdict on the same arguments. */
static bool live_call(qapic_tg_live *l, const qapic_tg_oneof *r,
                      unsigned mask, char *desc, size_t desclen,
                      bool *client_refuses, qapic_tg_msg *msg)
{
    const qapic_tg_schema *s = qapic_tg__env_schema(l->e);
    const qapic_tg_command *c = &s->commands[r->command];
    tg_sample a = { 0 };
    struct json_object *enc = NULL;
    qapic_error *err = NULL;
    void *ret = NULL;
    bool ok = qapic_tg__oneof_args(s, r, mask, &a, &enc, msg);
    qapic_client *cl = ok ? connect_live(l, &err) : NULL;
    desc[0] = '\0';
    if (ok && !cl)
        ok = qapic_tg__fail(msg, "rule %s: cannot connect to QEMU: %s",
                            r->rule, err ? err->message : "?");
    if (ok) {
        qapic_error *ce = NULL;
        *client_refuses = qapic_oneof_check(&r->groups, enc, &ce) < 0;
        qapic_error_free(ce);
        int rc = c->call(cl, a.box, &ret, &err);
        if (rc < 0 && err && err->kind == QAPIC_ERROR_QMP)
            snprintf(desc, desclen, "%s", err->qmp_desc ? err->qmp_desc : "");
        else if (rc < 0)
            ok = qapic_tg__fail(msg, "rule %s: the call fails before QEMU "
                                "answers: %s", r->rule,
                                err ? err->message : "?");
    }
    if (ret)
        qapic_free(s->types[c->ret].desc, ret);
    qapic_client_free(cl);
    qapic_error_free(err);
    json_object_put(enc);
    qapic_tg__sample_free(s, c->args, &a);
    return ok;
}

bool qapic_tg_check_live_oneof(qapic_tg_live *l, const qapic_tg_oneof *r,
                               qapic_tg_msg *msg)
{
    unsigned masks[20];
    bool refused[20];
    char refusals[2][512] = { "", "" };
    size_t nref = 0;
    size_t n = qapic_tg__oneof_masks(r, masks, refused);
    const qapic_tg_schema *s = qapic_tg__env_schema(l->e);
    const char *name = s->commands[r->command].name;
    qapic_error *err = NULL;
    msg->text[0] = '\0';
    qapic_client *cl = connect_live(l, &err);
    int has = cl ? qapic_client_supports(cl, name, &err) : -1;
    qapic_client_free(cl);
    if (has <= 0) {
        bool ok = has == 0;
        qapic_tg__fail(msg, "rule %s: %s", r->rule,
                       ok ? "this QEMU has no such command"
                          : err ? err->message : "?");
        qapic_error_free(err);
        return ok;
    }
    qapic_tg__note(msg, "rule %s, what QEMU answers: ", r->rule);
    for (size_t k = 0; k < n; k++) {
        char desc[512], groups[300];
        bool client_refuses = false;
        if (!live_call(l, r, masks[k], desc, sizeof desc, &client_refuses,
                       msg))
            return false;
        qapic_tg__mask_text(r, masks[k], groups, sizeof groups);
        if (client_refuses != refused[k])
            return qapic_tg__fail(msg, "rule %s: the client-side check %s "
                                  "a call with %s", r->rule,
                                  client_refuses ? "refuses" : "accepts",
                                  groups);
        if (refused[k]) {
            if (!desc[0])
                return qapic_tg__fail(msg, "rule %s: QEMU accepts a call "
                                      "with %s", r->rule, groups);
            if (nref < 2)
                snprintf(refusals[nref++], sizeof refusals[0], "%s", desc);
        } else {
            for (size_t i = 0; i < nref; i++)
                if (desc[0] && !strcmp(desc, refusals[i]))
                    return qapic_tg__fail(msg, "rule %s: QEMU refuses a call "
                                          "with %s as it refuses the others: "
                                          "%s", r->rule, groups, desc);
        }
        /* What QEMU said, for the record of a passing test (live_call
         * writes MSG only on failure). */
        qapic_tg__note(msg, "%s%s -> %s", k ? "; " : "", groups[0]
                       ? groups : "no group", desc[0] ? desc : "accepted");
    }
    return true;
}
