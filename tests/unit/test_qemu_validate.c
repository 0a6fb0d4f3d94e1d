/* The differential test of the validator against a real QEMU: thousands
 * of commands generated from the source schema (callgen.h: valid calls
 * and single mutations of them) are validated by qapic and sent to a
 * QEMU 10.0 (`-M none`); every reply is classified as refused by QEMU's
 * input layer (its dispatcher and input visitor, told by their own error
 * messages, the PATTERNS below) or accepted by it (success, or an error
 * the command itself raised later), and qapic's verdict must be the same
 * on every command.  Where QEMU refuses, qapic's first problem must also
 * be of the same kind and name the same member.
 *
 * qapic validates against the source schema with the condition symbols
 * of the x86_64 build (the corpus' config-x86_64.txt), so integer widths
 * and 'gen': false are exact.  The corpus source (10.0.13) and the
 * installed QEMU (a Debian 10.0 build) may differ slightly, so every
 * command is also validated against the QEMU's own query-qmp-schema: a
 * command on which the two schemas disagree other than by an integer
 * width is not compared (and counted).
 *
 * Safety: commands with effects outside a `-M none` QEMU, or that would
 * end or wedge it, are never generated (DENY: quit, system_*, migrate*,
 * snapshots, memory and screen dumps, image creation, HMP, network and
 * host-device backends, ...), every string is unique ("s17"), and QEMU
 * runs in a scratch directory of its own (files a backend creates land
 * there and are removed).  If QEMU dies or stops answering anyway (5 s
 * per command), it is restarted, and the command is counted as unanswered
 * and left out.
 *
 * Two phases: QEMU with -compat deprecated-input=reject,unstable-input=reject
 * against qapic's default policy, then QEMU's default (accept) against
 * --allow-deprecated --allow-unstable, so that deprecated and unstable
 * commands are checked both ways.
 *
 * Environment: QAPIC_VDIFF_SEED (a number: replays a run; printed at the
 * start), QAPIC_VDIFF_COUNT (commands, default 6000), QAPIC_VDIFF_LOG (a
 * file: every command with both verdicts and QEMU's reply). */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <poll.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "callgen.h"
#include "config.h"
#include "dumps/ischema.h"
#include "dumps/validate.h"
#include "dumps/vschema.h"
#include "qapic/client.h"
#include "qemu.h"
#include "schema/schema.h"
#include "skip.h"
#include "syntax/parse.h"

/* Never generated; see the file comment. */
static const char *const DENY[] = {
    /* end, reset or pause the machine, or negotiate again */
    "quit", "system_*", "qmp_capabilities", "x-exit-preconfig",
    /* migration, snapshots, dumps and files written by the command */
    "migrate*", "*snapshot*", "transaction", "screendump", "memsave",
    "pmemsave", "dump-guest-memory", "blockdev-create", "x-blockdev-amend",
    "xen-*", "human-monitor-command",
    /* QEMU 10.0 aborts on these, or exits: blockdev-reopen with an empty
     * list, rtc-reset-reinjection without a PC machine, a ring buffer
     * chardev of some exabytes, a generic initiator of a node that is
     * not there */
    "blockdev-reopen", "rtc-reset-reinjection", "ChardevRingbuf.size",
    "ObjectOptions:acpi-generic-*",
    /* no name lookups, no connections outside the scratch directory */
    "SocketAddress:inet", "SocketAddressLegacy:inet",
    "ChardevBackend:stdio", "ChardevBackend:serial", "ChardevBackend:parallel",
    "ChardevBackend:pipe", "ChardevBackend:braille", "ChardevBackend:udp",
    "ChardevBackend:spice*", "ChardevBackend:vc", "ChardevBackend:dbus",
    "ChardevBackend:qemu-vdagent", "ChardevBackend:console",
    "ChardevSocket.wait",
    "Netdev:tap", "Netdev:l2tpv3", "Netdev:socket", "Netdev:stream",
    "Netdev:dgram", "Netdev:vde", "Netdev:bridge", "Netdev:netmap",
    "Netdev:af-xdp", "Netdev:vhost-*", "Netdev:vmnet-*", "Netdev:passt",
    "NetdevUserOptions.smb", "NetdevUserOptions.guestfwd",
    "NetdevUserOptions.hostfwd",
    "BlockdevOptions:nbd", "BlockdevOptions:ssh", "BlockdevOptions:gluster",
    "BlockdevOptions:iscsi", "BlockdevOptions:nfs", "BlockdevOptions:rbd",
    "BlockdevOptions:http*", "BlockdevOptions:ftp*", "BlockdevOptions:nvme*",
    "BlockdevOptions:virtio-blk-*", "BlockdevOptions:host_*",
    "BlockdevOptions:vvfat",
    "BlockExportOptions:fuse", "BlockExportOptions:vduse-blk",
    "BlockExportOptions:vhost-user-blk",
    /* host devices, memory, helpers */
    "ObjectOptions:memory-backend-*", "ObjectOptions:can-host-socketcan",
    "ObjectOptions:colo-compare", "ObjectOptions:filter-dump",
    "ObjectOptions:input-linux", "ObjectOptions:rng-random",
    "ObjectOptions:vfio-user-server", "ObjectOptions:x-remote-object",
    "ObjectOptions:dbus-vmstate", "ObjectOptions:sev-*",
    "ObjectOptions:tdx-guest", "ObjectOptions:pr-manager-helper",
    "ObjectOptions:cryptodev-vhost-user", "ObjectOptions:iommufd",
    NULL,
};

/* QEMU's input layer refusing a command, by the words of its errors (as
 * 10.0 words them; collected from real replies). */
static const struct pattern {
    const char *re;
    const char *kind;       /* the qapic codes that go with it */
} PATTERNS[] = {
    { "^QMP input (must be a JSON object|lacks member 'execute'|member '[^']*' "
      "(must be a string|must be an object|is unexpected|clashes with '[^']*'))$",
      "qmp-bad-command" },
    { "^JSON parse error", "qmp-duplicate-member" },
    { "^The command [^ ]+ has not been found$", "qmp-unknown-command" },
    { "^The command [^ ]+ does not support OOB$", "qmp-no-oob" },
    { "^(Deprecated|Unstable) (command|parameter|value) .* disabled by policy$",
      "qmp-deprecated qmp-unstable" },
    { "^Parameter '[^']*' is missing$", "qmp-missing-member" },
    { "^Parameter '[^']*' is unexpected$", "qmp-unknown-member" },
    { "^Invalid parameter type for '[^']*', expected: [^ ]+$",
      "qmp-type-mismatch qmp-int-range" },
    { "^Parameter '[^']*' expects (u?int(8|16|32|64)(_t)?|size)$",
      "qmp-type-mismatch qmp-int-range" },
    { "^Parameter '[^']*' does not accept value '.*'$", "qmp-bad-enum-value" },
};
#define NPATTERNS (sizeof PATTERNS / sizeof PATTERNS[0])

typedef struct raw {
    int fd;
    qc_buf in;              /* received, not yet consumed */
} raw;

typedef struct stats {
    size_t sent, compared, agreed, refused, build_differs, unanswered;
    size_t first_mismatch, restarts;
    size_t by_pattern[NPATTERNS];
    char *pattern_example[NPATTERNS];
    qc_buf failures;        /* the first few disagreements */
    size_t nfailures;
} stats;

/* ---- the raw monitor ------------------------------------------------------ */

static bool raw_connect(raw *r, const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    for (int tries = 0; tries < 1000; tries++) {
        r->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (r->fd < 0)
            return false;
        if (connect(r->fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            r->in.len = 0;
            return true;
        }
        close(r->fd);
        struct timespec ts = { 0, 5 * 1000000 };
        nanosleep(&ts, NULL);
    }
    r->fd = -1;
    return false;
}

static void raw_close(raw *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    qc_buf_free(&r->in);
}

/* The next message from QEMU that is no event, within TIMEOUT_MS; NULL on
 * timeout or end of the connection. */
static struct json_object *raw_reply(raw *r, int timeout_ms)
{
    for (;;) {
        char *nl = r->in.len ? memchr(r->in.data, '\n', r->in.len) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - r->in.data) + 1;
            *nl = '\0';
            struct json_object *o = json_tokener_parse(r->in.data);
            memmove(r->in.data, r->in.data + n, r->in.len - n);
            r->in.len -= n;
            if (o && json_object_object_get_ex(o, "event", NULL)) {
                json_object_put(o);
                continue;
            }
            if (o)
                return o;
            continue;
        }
        struct pollfd p = { r->fd, POLLIN, 0 };
        if (poll(&p, 1, timeout_ms) <= 0)
            return NULL;
        qc_buf_reserve(&r->in, 65536);
        ssize_t got = read(r->fd, r->in.data + r->in.len, 65536);
        if (got <= 0)
            return NULL;
        r->in.len += (size_t)got;
    }
}

static bool raw_send(raw *r, const char *text, size_t len)
{
    while (len) {
        ssize_t w = send(r->fd, text, len, MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        text += w;
        len -= (size_t)w;
    }
    return send(r->fd, "\n", 1, MSG_NOSIGNAL) == 1;
}

/* ---- one QEMU ---------------------------------------------------------------- */

typedef struct target {
    qc_qemu q;
    char dir[64];           /* the scratch directory, QEMU's cwd */
    char sock[96];          /* the raw monitor's socket */
    bool reject;            /* -compat ...-input=reject */
    raw r;
    qapic_client *control;
} target;

static void target_start(target *t)
{
    char chardev[256], cwd[4096];
    snprintf(t->sock, sizeof t->sock, "%s/raw.sock", t->dir);
    snprintf(chardev, sizeof chardev, "socket,id=raw0,path=%s,server=on,wait=off",
             t->sock);
    const char *args[] = { "-chardev", chardev, "-mon", "chardev=raw0,mode=control",
                           t->reject ? "-compat" : NULL,
                           "deprecated-input=reject,unstable-input=reject", NULL };
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(t->dir), 0);
    qc_qemu_start(&t->q, args);
    ck_assert_int_eq(chdir(cwd), 0);

    qapic_client_options o;
    qapic_client_options_init(&o);
    o.call_timeout_ms = 10000;
    t->control = qapic_client_new(&o, NULL);
    qapic_error *err = NULL;
    ck_assert_msg(qapic_client_connect_unix(t->control, t->q.qmp, &err) == 0,
                  "%s; QEMU says: %s", err ? err->message : "?", qc_qemu_log(&t->q));
    ck_assert_msg(raw_connect(&t->r, t->sock), "no raw monitor: %s",
                  qc_qemu_log(&t->q));
    struct json_object *greeting = raw_reply(&t->r, 5000);
    ck_assert_ptr_nonnull(greeting);
    json_object_put(greeting);
    static const char caps[] =
        "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}";
    ck_assert(raw_send(&t->r, caps, strlen(caps)));
    struct json_object *ok = raw_reply(&t->r, 5000);
    ck_assert_msg(ok && json_object_object_get_ex(ok, "return", NULL),
                  "oob not enabled: %s", ok ? json_object_to_json_string(ok) : "-");
    json_object_put(ok);
}

static void target_stop(target *t)
{
    raw_close(&t->r);
    qapic_client_free(t->control);
    t->control = NULL;
    unlink(t->sock);
    qc_qemu_stop(&t->q);
}

/* ---- verdicts ---------------------------------------------------------------- */

#define MAX_KEPT 16

typedef struct verdict {
    size_t problems;
    char code[64];          /* the first problem's */
    char path[256];
    char message[512];
    bool only_range;        /* every problem is qmp-int-range */
    char unknown[MAX_KEPT][256];    /* the paths of the unknown members */
    size_t nunknown;        /* that come first, in a row */
} verdict;

static void on_problem(void *ctx, const char *path, const qc_value *at,
                       const char *code, const char *message)
{
    verdict *v = ctx;
    (void)at;
    bool unknown = !strcmp(code, "qmp-unknown-member");
    if (!v->problems++) {
        snprintf(v->code, sizeof v->code, "%s", code);
        snprintf(v->path, sizeof v->path, "%s", path);
        snprintf(v->message, sizeof v->message, "%s", message);
        v->only_range = true;
    }
    if (unknown && v->nunknown + 1 == v->problems && v->nunknown < MAX_KEPT)
        snprintf(v->unknown[v->nunknown++], sizeof v->unknown[0], "%s", path);
    if (strcmp(code, "qmp-int-range"))
        v->only_range = false;
}

static void judge(qc_arena *a, const qc_vschema *s, const qc_value *cmd,
                  bool allow, verdict *v)
{
    qc_validate_opts o = { .allow_deprecated = allow, .allow_unstable = allow };
    memset(v, 0, sizeof *v);
    qc_validate_command(a, s, cmd, &o, on_problem, v);
}

/* The pattern QEMU's error DESC matches, or -1: accepted by the input
 * layer (a success, or an error of the command). */
static int classify(regex_t *re, const char *desc)
{
    for (size_t i = 0; i < NPATTERNS; i++)
        if (regexec(&re[i], desc, 0, NULL, 0) == 0)
            return (int)i;
    return -1;
}

/* Does the member QEMU's message names ('NAME') end qapic's PATH? */
static bool names_agree(const char *desc, const char *path)
{
    const char *q = strchr(desc, '\'');
    const char *e = q ? strchr(q + 1, '\'') : NULL;
    if (!q || !e || !strncmp(q, "'null'", 6))
        return true;        /* nothing named (QEMU says 'null' in lists) */
    size_t n = (size_t)(e - q - 1);
    size_t pl = strlen(path);
    if (!strncmp(desc, "The command", 11) || !strncmp(desc, "JSON", 4))
        return true;
    if (n > pl || strncmp(path + pl - n, q + 1, n))
        return false;
    return n == pl || path[pl - n - 1] == '.';
}

static bool kind_agrees(const char *kinds, const char *code)
{
    size_t n = strlen(code);
    for (const char *k = strstr(kinds, code); k; k = strstr(k + 1, code))
        if ((k == kinds || k[-1] == ' ') && (k[n] == '\0' || k[n] == ' '))
            return true;
    return false;
}

/* Is QEMU's error DESC about qapic's first problem?  Among several
 * unexpected members of one object, QEMU names the first in its hash
 * table's order: any of them will do. */
static bool first_agrees(const struct pattern *p, const char *desc,
                         const verdict *v)
{
    if (!kind_agrees(p->kind, v->code))
        return false;
    if (names_agree(desc, v->path))
        return true;
    for (size_t i = 1; i < v->nunknown; i++)
        if (names_agree(desc, v->unknown[i]))
            return true;
    return false;
}


static void note_failure(stats *st, const char *what, const char *text,
                         const verdict *v, const char *reply)
{
    if (st->nfailures++ >= 12)
        return;
    qc_buf_printf(&st->failures, "\n  [%s] %s\n    qapic: %s%s%s%s\n    QEMU:  %s",
                  what, text, v->problems ? "invalid: " : "valid", v->path,
                  v->problems ? ": " : "", v->message, reply);
}

/* ---- the run ----------------------------------------------------------------- */

static const char *corpus_dir(void)
{
    const char *c = getenv("CORPUS");
    return c && *c ? c : QC_DEFAULT_CORPUS;
}

/* The QEMU's own schema, as a view. */
static const qc_vschema *live_view(qc_arena *a, qapic_client *c)
{
    qapic_error *err = NULL;
    struct json_object *schema = qapic_client_schema(c, &err);
    ck_assert_msg(schema != NULL, "query-qmp-schema: %s", err ? err->message : "");
    const char *text = json_object_to_json_string_ext(schema, JSON_C_TO_STRING_PLAIN);
    qc_source *src = qc_source_from_mem(a, "query-qmp-schema", text, strlen(text), false);
    qc_diag *d = qc_diag_new();
    size_t n = 0;
    qc_value *v = qc_parse_json(a, src, false, d, &n);
    qc_diag_free(d);
    ck_assert(v && n == 1);
    return qc_vschema_from_ischema(a, qc_ischema_new(a, &v[0]), NULL);
}

typedef struct phase {
    const qc_vschema *src, *live;
    regex_t *re;
    FILE *log;
    stats *st;
    bool allow;             /* the policy: accept */
} phase;

/* Sends one command, compares the verdicts; false when QEMU gave no
 * answer (it was restarted). */
static bool compare_one(phase *p, target *t, qc_arena *a, const char *text,
                        const char *what)
{
    stats *st = p->st;
    qc_source *src = qc_source_from_mem(a, "call", text, strlen(text), false);
    qc_diag *d = qc_diag_new();
    size_t n = 0;
    qc_value *v = qc_parse_json(a, src, false, d, &n);
    qc_diag_free(d);
    ck_assert_msg(v && n == 1, "generated bad JSON: %s", text);
    verdict vs, vl;
    judge(a, p->src, &v[0], p->allow, &vs);
    judge(a, p->live, &v[0], p->allow, &vl);

    st->sent++;
    struct json_object *reply = NULL;
    if (raw_send(&t->r, text, strlen(text)))
        reply = raw_reply(&t->r, 5000);
    if (!reply) {
        st->unanswered++;
        fprintf(stderr, "vdiff: no answer to %s (%s); restarting QEMU: %s\n", text,
                what, qc_qemu_log(&t->q));
        target_stop(t);
        target_start(t);
        st->restarts++;
        return false;
    }
    struct json_object *err = NULL, *desc = NULL;
    const char *dtext = NULL;
    if (json_object_object_get_ex(reply, "error", &err)
        && json_object_object_get_ex(err, "desc", &desc))
        dtext = json_object_get_string(desc);
    int pat = dtext ? classify(p->re, dtext) : -1;
    bool qemu_refused = pat >= 0;
    const char *rtext = json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN);
    if (p->log)
        fprintf(p->log, "%s\n  %s | qapic %s%s %s: %s | live %s | QEMU %s: %s\n", text,
                what, vs.problems ? "invalid " : "valid", vs.code, vs.path, vs.message,
                vl.problems ? "invalid" : "valid",
                qemu_refused ? "refused" : "accepted", rtext);

    /* The schemas differ here, other than by a width: not comparable. */
    bool src_bad = vs.problems > 0, live_bad = vl.problems > 0;
    bool same = src_bad == live_bad
        && (!src_bad || (!strcmp(vs.code, vl.code) && !strcmp(vs.path, vl.path)));
    if (!same && !(src_bad && vs.only_range && !live_bad)) {
        st->build_differs++;
        json_object_put(reply);
        return true;
    }
    st->compared++;
    if (qemu_refused) {
        st->refused++;
        st->by_pattern[pat]++;
        if (!st->pattern_example[pat])
            st->pattern_example[pat] = strdup(dtext);
    }
    if (src_bad == qemu_refused) {
        st->agreed++;
        /* A 'gen': false command's handler words its own errors. */
        const qc_vcommand *c = qc_vschema_command(p->src, qc_obj_get_str(&v[0], "execute"));
        if (qemu_refused && !(c && c->gen != QC_GEN_NORMAL)
            && !first_agrees(&PATTERNS[pat], dtext, &vs)) {
            st->first_mismatch++;
            note_failure(st, qc_arena_printf(a, "first problem differs: %s", what),
                         text, &vs, rtext);
        }
    } else {
        note_failure(st, what, text, &vs, rtext);
    }
    json_object_put(reply);
    return true;
}

static void run_phase(phase *p, target *t, uint64_t seed, size_t count)
{
    qc_arena *a = qc_arena_new();
    qc_callgen_opts go = { seed, DENY, p->allow, p->allow, 12 };
    qc_callgen *g = qc_callgen_new(a, p->src, &go);
    ck_assert_uint_gt(qc_callgen_ncommands(g), 100);
    target_start(t);
    if (!p->live)
        p->live = live_view(a, t->control);
    qc_buf text = QC_BUF_INIT;
    for (size_t i = 0; i < count; i++) {
        const char *what;
        qc_callgen_next(g, &text, &what);
        /* An id of its own, before the closing brace. */
        text.len--;
        qc_buf_printf(&text, ", \"id\": %zu}", i);
        compare_one(p, t, a, text.data, what);
    }
    qc_buf_free(&text);
    target_stop(t);
    p->live = NULL;
    qc_arena_free(a);
}

START_TEST(qapic_agrees_with_qemu)
{
    if (!qc_qemu_binary())
        QC_SKIP(QC_QEMU_MISSING);
    char schema_path[4096], config_path[4096];
    snprintf(schema_path, sizeof schema_path, "%s/qemu-10.0/qapi/qapi-schema.json",
             corpus_dir());
    snprintf(config_path, sizeof config_path, "%s/qemu-10.0/expected/config-x86_64.txt",
             corpus_dir());
    if (access(schema_path, R_OK) != 0)
        QC_SKIP("corpus not found (configure --with-corpus=DIR)");

    const char *env = getenv("QAPIC_VDIFF_SEED");
    uint64_t seed = env && *env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    env = getenv("QAPIC_VDIFF_COUNT");
    size_t count = env && *env ? strtoull(env, NULL, 0) : 6000;
    env = getenv("QAPIC_VDIFF_LOG");
    FILE *log = env && *env ? fopen(env, "w") : NULL;
    fprintf(stderr, "vdiff: seed %" PRIu64 " (replay with QAPIC_VDIFF_SEED=%" PRIu64
            "), %zu commands\n", seed, seed, count);

    qc_arena *a = qc_arena_new();
    qc_diag *d = qc_diag_new();
    qc_options opts = { QC_STD_QEMU_10_0, false };
    qc_schema *model = qc_schema_build(a, d, &opts, schema_path, NULL);
    ck_assert_msg(model != NULL, "the corpus schema does not build");
    qc_diag_free(d);
    const char **syms;
    size_t nsyms = qc_callgen_read_symbols(a, config_path, &syms);
    ck_assert_uint_gt(nsyms, 0);
    const qc_vschema *src = qc_vschema_from_model(a, model, syms, nsyms);

    regex_t re[NPATTERNS];
    for (size_t i = 0; i < NPATTERNS; i++)
        ck_assert_int_eq(regcomp(&re[i], PATTERNS[i].re, REG_EXTENDED | REG_NOSUB), 0);

    stats st;
    memset(&st, 0, sizeof st);
    target t;
    memset(&t, 0, sizeof t);
    t.r.fd = -1;
    snprintf(t.dir, sizeof t.dir, "/tmp/qapic-vdiff-%ld-XXXXXX", (long)getpid());
    ck_assert_ptr_nonnull(mkdtemp(t.dir));

    /* The schema is 10.0's: another QEMU is no test of it. */
    t.reject = false;
    target_start(&t);
    int major, minor, micro;
    qapic_client_version(t.control, &major, &minor, &micro);
    target_stop(&t);
    if (major != 10 || minor != 0) {
        rmdir(t.dir);
        qc_arena_free(a);
        QC_SKIP("the differential test needs QEMU 10.0 (the corpus schema's)");
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    phase p = { src, NULL, re, log, &st, false };
    size_t first = count * 3 / 5;
    t.reject = true;
    run_phase(&p, &t, seed, first);
    p.allow = true;
    t.reject = false;
    run_phase(&p, &t, seed + 1, count - first);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t.dir);
    if (system(cmd) != 0)
        fprintf(stderr, "vdiff: could not remove %s\n", t.dir);
    if (log)
        fclose(log);
    fprintf(stderr, "vdiff: %zu sent, %zu compared, %zu agree (%zu refused by QEMU's "
            "input layer), %zu first problems differ, %zu where the build differs, "
            "%zu unanswered, %.1f s\n", st.sent, st.compared, st.agreed, st.refused,
            st.first_mismatch, st.build_differs, st.unanswered, secs);
    for (size_t i = 0; i < NPATTERNS; i++)
        if (st.by_pattern[i])
            fprintf(stderr, "vdiff:   %5zu  %s\n", st.by_pattern[i], st.pattern_example[i]);
    if (st.nfailures)
        fprintf(stderr, "vdiff: disagreements:%s\n", st.failures.data);
    ck_assert_msg(st.agreed == st.compared && !st.first_mismatch,
                  "seed %" PRIu64 ": %zu of %zu verdicts differ, and %zu first problems "
                  "(the first %zu are on stderr)", seed, st.compared - st.agreed,
                  st.compared, st.first_mismatch, st.nfailures < 12 ? st.nfailures : 12);
    ck_assert_msg(st.compared >= count * 9 / 10,
                  "seed %" PRIu64 ": only %zu of %zu commands compared", seed,
                  st.compared, count);
    for (size_t i = 0; i < NPATTERNS; i++) {
        regfree(&re[i]);
        free(st.pattern_example[i]);
    }
    qc_buf_free(&st.failures);
    qc_arena_free(a);
}
END_TEST

Suite *qc_suite_qemu_validate(void)
{
    Suite *s = suite_create("qemu_validate");
    TCase *tc = tcase_create("qemu_validate");
    tcase_add_checked_fixture(tc, NULL, qc_qemu_stop_all);
    tcase_add_unchecked_fixture(tc, qc_qemu_suite_setup, qc_qemu_suite_teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, qapic_agrees_with_qemu);
    suite_add_tcase(s, tc);
    return s;
}
