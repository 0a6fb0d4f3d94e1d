/* Unit tests of `qapic probe`'s library layer (src/probe/): the default
 * plan against the questions libvirt really asked in the corpus dumps, a
 * dump's commands as a plan, the decision of a step, the rendering of a
 * conversation; and, with a real QEMU, that the dump's schema is what
 * QEMU returns to a plain json-c client.  Corpus and QEMU tests skip
 * loudly without them. */
#include <check.h>
#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "config.h"
#include "dumps/replies.h"
#include "helpers.h"
#include "probe/plan.h"
#include "probe/probe.h"
#include "probe/session.h"
#include "qapic/client.h"
#include "qapic/testpeer.h"
#include "qemu.h"
#include "skip.h"
#include "syntax/json.h"

static const char *corpus_file(const char *name)
{
    static char buf[4096];
    struct stat st;
    const char *c = getenv("CORPUS");
    snprintf(buf, sizeof buf, "%s/replies/%s", c && *c ? c : QC_DEFAULT_CORPUS,
             name);
    return stat(buf, &st) == 0 ? buf : NULL;
}

#define NEED_CORPUS_FILE(path, name)                                     \
    const char *path = corpus_file(name);                                \
    if (!path)                                                           \
        QC_SKIP("corpus not found (configure --with-corpus=DIR)")

static qc_replies *read_dump(const char *path, qc_source **src)
{
    int err = 0;
    *src = qc_source_load(qc_test_arena, path, false, &err);
    ck_assert_msg(*src != NULL, "%s: %s", path, strerror(err));
    qc_replies *r = qc_replies_read(qc_test_arena, *src, true, qc_test_diag);
    ck_assert_int_eq(r->syntax_errors, 0);
    return r;
}

/* What the dump's QEMU said, as the probe would have learned it. */
static qc_probe_facts facts_of(const qc_replies *r)
{
    qc_probe_facts f;
    memset(&f, 0, sizeof f);
    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        const qc_value *ret = e->v ? qc_obj_get(e->v, "return") : NULL;
        if (e->role == QC_RROLE_REPLY && e->execute && ret)
            qc_probe_facts_learn(qc_test_arena, &f, e->execute, ret);
    }
    return f;
}

static void command_line(qc_buf *b, const char *execute, const qc_value *args)
{
    qc_buf_puts(b, execute);
    if (args) {
        qc_buf_putc(b, ' ');
        qc_json_write(b, args, 0, 0);
    }
    qc_buf_putc(b, '\n');
}

/* The dump's commands, a line each. */
static char *dump_commands(const qc_replies *r)
{
    qc_buf b = QC_BUF_INIT;
    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        if (e->role == QC_RROLE_COMMAND)
            command_line(&b, e->execute, qc_obj_get(e->v, "arguments"));
    }
    return qc_buf_steal(&b);
}

/* What PLAN asks a QEMU that answers as F says, a line each. */
static char *plan_commands(const qc_probe_plan *p, const qc_probe_facts *f)
{
    qc_buf b = QC_BUF_INIT;
    for (size_t i = 0; i < p->n; i++) {
        if (p->passes[i].after_kvm && !f->kvm)
            continue;
        command_line(&b, "qmp_capabilities", NULL);
        for (size_t k = 0; k < p->passes[i].n; k++) {
            const qc_value *args;
            const char *why;
            if (qc_probe_step_decide(qc_test_arena, &p->passes[i].steps[k], f,
                                     &args, &why) == QC_STEP_SEND)
                command_line(&b, p->passes[i].steps[k].execute, args);
        }
    }
    return qc_buf_steal(&b);
}

/* The first line where A and B differ, numbered, for a short message. */
static const char *first_difference(const char *a, const char *b)
{
    static char msg[512];
    unsigned line = 1;
    const char *la = a, *lb = b;
    while (*la && *lb) {
        size_t na = strcspn(la, "\n"), nb = strcspn(lb, "\n");
        if (na != nb || strncmp(la, lb, na))
            break;
        la += na + (la[na] == '\n');
        lb += nb + (lb[nb] == '\n');
        line++;
    }
    snprintf(msg, sizeof msg, "command %u: libvirt asked '%.*s', the plan '%.*s'",
             line, (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
    return msg;
}

/* Dumps whose questions the plan does not ask, and why. */
static const char *const not_libvirt_11[] = {
    /* macOS's accelerator: the second pass follows HVF, not KVM. */
    "caps_7.2.0_x86_64+hvf.replies", "caps_9.2.0_aarch64+hvf.replies",
    /* Recorded by a libvirt that did not yet ask s390x for the full
     * expansion of the host CPU. */
    "caps_8.1.0_s390x.replies", "caps_8.2.0_s390x.replies",
    NULL,
};

/* The default plan asks exactly what libvirt asked the QEMUs of the
 * corpus: the same commands, arguments and order, both passes, every
 * architecture (x86_64, s390x, aarch64, ppc64, ppc, arm, loongarch64,
 * riscv64, sparc), when the replies are what each QEMU answered. */
START_TEST(default_plan_asks_what_libvirt_asks)
{
    NEED_CORPUS_FILE(any, "caps_10.0.0_x86_64.replies");
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(any, '/') - any), any);
    DIR *dp = opendir(dir);
    ck_assert_ptr_nonnull(dp);
    const qc_probe_plan *plan = qc_probe_plan_default(qc_test_arena);
    int compared = 0;
    for (struct dirent *de; (de = readdir(dp));) {
        size_t n = strlen(de->d_name);
        bool excluded = n < 8 || strcmp(de->d_name + n - 8, ".replies");
        for (int i = 0; !excluded && not_libvirt_11[i]; i++)
            excluded = !strcmp(de->d_name, not_libvirt_11[i]);
        if (excluded)
            continue;
        qc_source *src;
        qc_replies *r = read_dump(corpus_file(de->d_name), &src);
        qc_probe_facts f = facts_of(r);
        char *want = dump_commands(r);
        char *got = plan_commands(plan, &f);
        ck_assert_msg(!strcmp(want, got), "%s: %s", de->d_name,
                      first_difference(want, got));
        free(want);
        free(got);
        compared++;
    }
    closedir(dp);
    ck_assert_int_eq(compared, 25);
}
END_TEST

/* A dump's commands as a plan: a pass at each qmp_capabilities, the
 * later ones under TCG, each step located in the dump. */
START_TEST(dump_as_plan)
{
    NEED_CORPUS_FILE(path, "caps_10.0.0_x86_64.replies");
    qc_source *src = qc_source_load(qc_test_arena, path, false, NULL);
    const qc_probe_plan *p = qc_probe_plan_from_dump(qc_test_arena, src,
                                                     qc_test_diag);
    ck_assert_ptr_nonnull(p);
    ck_assert(p->replay);
    ck_assert(!p->unchecked);
    ck_assert_uint_eq(p->n, 2);
    ck_assert_uint_eq(p->passes[0].n, 50);
    ck_assert(!p->passes[0].tcg);
    ck_assert_uint_eq(p->passes[1].n, 4);
    ck_assert(p->passes[1].tcg && !p->passes[1].after_kvm);
    const qc_probe_step *s = &p->passes[0].steps[46];
    ck_assert_str_eq(s->execute, "query-sgx-capabilities");
    ck_assert_str_eq(s->label,
                     "entry 95, command 'query-sgx-capabilities' (libvirt-48)");
    ck_assert_uint_eq(qc_source_line(src, s->loc.off), 39769);
    ck_assert_str_eq(qc_obj_get_str(p->passes[1].steps[1].args, "type"),
                     "static");
}
END_TEST

static void expect_bad_sequence(const char *text, const char *what)
{
    qc_test_reset_diag();
    qc_source *src = qc_source_from_mem(qc_test_arena, "seq.replies", text,
                                        strlen(text), false);
    ck_assert_msg(!qc_probe_plan_from_dump(qc_test_arena, src, qc_test_diag),
                  "%s was replayed", what);
    ck_assert_uint_ge(qc_diag_error_count(qc_test_diag), 1);
}

START_TEST(bad_sequences)
{
    expect_bad_sequence("", "an empty file");
    expect_bad_sequence("{\n  \"execute\": \"query-kvm\",\n",
                        "a syntax error");
    ck_assert_str_eq(qc_test_first_code(), "syntax-unexpected");
    expect_bad_sequence("{\"return\": {}, \"id\": \"libvirt-1\"}\n",
                        "a reply where a command is due");
    ck_assert_str_eq(qc_test_first_code(), "probe-bad-sequence");
    expect_bad_sequence("{\"execute\": \"x\", \"arguments\": [1]}\n\n"
                        "{\"return\": {}}\n", "arguments that are a list");
    ck_assert_str_eq(qc_test_first_code(), "probe-bad-sequence");
}
END_TEST

/* Without query-qmp-schema in its first pass nothing can be checked. */
START_TEST(sequence_without_schema)
{
    static const char text[] =
        "{\"execute\": \"query-kvm\", \"id\": \"libvirt-1\"}\n\n"
        "{\"return\": {}, \"id\": \"libvirt-1\"}\n";
    qc_source *src = qc_source_from_mem(qc_test_arena, "seq.replies", text,
                                        strlen(text), false);
    const qc_probe_plan *p = qc_probe_plan_from_dump(qc_test_arena, src,
                                                     qc_test_diag);
    ck_assert_ptr_nonnull(p);
    ck_assert(p->unchecked);
    ck_assert_uint_eq(p->n, 1);
    ck_assert_uint_eq(p->passes[0].n, 1);
}
END_TEST

/* What the QEMU lacks is skipped (commands, arguments, enum values); its
 * feature policy is no reason to skip; conditions need their facts. */
START_TEST(step_decisions)
{
    const qc_value *schema = qc_test_json1(
        "[{\"name\": \"go\", \"meta-type\": \"command\", \"arg-type\": \"1\","
        "  \"ret-type\": \"0\", \"features\": [\"deprecated\"]},"
        " {\"name\": \"0\", \"meta-type\": \"object\", \"members\": []},"
        " {\"name\": \"1\", \"meta-type\": \"object\", \"members\":"
        "  [{\"name\": \"mode\", \"type\": \"2\", \"default\": null}]},"
        " {\"name\": \"2\", \"meta-type\": \"enum\", \"values\": [\"a\"]}]");
    qc_probe_facts f;
    memset(&f, 0, sizeof f);
    qc_probe_step s = { 0 };
    const qc_value *args;
    const char *why;
    s.execute = "gone";
    ck_assert_int_eq(qc_probe_step_decide(qc_test_arena, &s, &f, &args, &why),
                     QC_STEP_SEND);   /* no schema yet: unchecked */
    qc_probe_facts_learn(qc_test_arena, &f, "query-qmp-schema", schema);
    ck_assert_int_eq(qc_probe_step_decide(qc_test_arena, &s, &f, &args, &why),
                     QC_STEP_LACKING);
    ck_assert_ptr_nonnull(strstr(why, "unknown command 'gone'"));
    s.execute = "go";
    ck_assert_int_eq(qc_probe_step_decide(qc_test_arena, &s, &f, &args, &why),
                     QC_STEP_SEND);
    s.args = qc_test_json1("{\"mode\": \"b\"}");
    ck_assert_int_eq(qc_probe_step_decide(qc_test_arena, &s, &f, &args, &why),
                     QC_STEP_LACKING);
    s.args = qc_test_json1("{\"mode\": \"a\", \"more\": 1}");
    ck_assert_int_eq(qc_probe_step_decide(qc_test_arena, &s, &f, &args, &why),
                     QC_STEP_LACKING);
    ck_assert_ptr_nonnull(strstr(why, "more"));
    s.args = qc_test_json1("{\"mode\": \"a\"}");
    s.if_arch = "s390x x86_64";
    ck_assert_int_eq(qc_probe_step_decide(qc_test_arena, &s, &f, &args, &why),
                     QC_STEP_NOT_ASKED);
    qc_probe_facts_learn(qc_test_arena, &f, "query-target",
                         qc_test_json1("{\"arch\": \"x86_64\"}"));
    ck_assert_int_eq(qc_probe_step_decide(qc_test_arena, &s, &f, &args, &why),
                     QC_STEP_SEND);
    s.if_types = "a b";
    qc_probe_facts_learn(qc_test_arena, &f, "qom-list-types",
                         qc_test_json1("[{\"name\": \"ab\"}, {\"name\": \"c\"}]"));
    ck_assert_int_eq(qc_probe_step_decide(qc_test_arena, &s, &f, &args, &why),
                     QC_STEP_NOT_ASKED);
}
END_TEST

/* A machine step asks for the type of the machine an alias stands for. */
START_TEST(machine_steps)
{
    qc_probe_facts f;
    memset(&f, 0, sizeof f);
    qc_probe_facts_learn(qc_test_arena, &f, "query-machines", qc_test_json1(
        "[{\"name\": \"virt-9.2\", \"alias\": \"virt\"}, {\"name\": \"none\"},"
        " {\"name\": \"virt\"}]"));
    qc_probe_step s = { 0 };
    const qc_value *args;
    const char *why;
    s.execute = "qom-list-properties";
    s.machine = "virt";
    ck_assert_int_eq(qc_probe_step_decide(qc_test_arena, &s, &f, &args, &why),
                     QC_STEP_SEND);
    ck_assert_str_eq(qc_obj_get_str(args, "typename"), "virt-9.2-machine");
    s.machine = "none";
    qc_probe_step_decide(qc_test_arena, &s, &f, &args, &why);
    ck_assert_str_eq(qc_obj_get_str(args, "typename"), "none-machine");
    s.machine = "pseries";
    ck_assert_int_eq(qc_probe_step_decide(qc_test_arena, &s, &f, &args, &why),
                     QC_STEP_NOT_ASKED);
}
END_TEST

/* The rendering of a conversation is libvirt's, byte for byte: a corpus
 * dump's own pairs render to its text. */
START_TEST(render_is_libvirts_layout)
{
    NEED_CORPUS_FILE(path, "caps_10.0.0_s390x.replies");
    qc_source *src;
    qc_replies *r = read_dump(path, &src);
    qc_ptrvec pairs = { NULL, 0, 0 };
    for (size_t i = 0; i + 1 < r->n; i += 2) {
        qc_probe_pair *p = qc_arena_alloc(qc_test_arena, sizeof *p);
        p->cmd = r->e[i].v;
        p->reply = r->e[i + 1].v;
        qc_ptrvec_push(qc_test_arena, &pairs, p);
    }
    qc_buf b = QC_BUF_INIT;
    qc_probe_render(&b, &pairs);
    ck_assert_uint_eq(b.len, src->len);
    ck_assert(!memcmp(b.data, src->text, b.len));
    qc_buf_free(&b);
}
END_TEST

/* ---- a recorded session, against the scripted peer ---------------------------- */

/* A session over the test peer (a mock, for what no real QEMU sends:
 * number spellings, duplicate keys, escapes, silence on cue). */
static qc_probe_session *peer_session(qapic_testpeer *p, qc_ptrvec *pairs,
                                      int limit_ms, qc_diagnostic **failure)
{
    int fd = qapic_testpeer_start(p);
    ck_assert_int_ge(fd, 0);
    qc_probe_peer peer = { fd, NULL, "the peer",
                           qc_probe_now_ms() + limit_ms, limit_ms };
    return qc_probe_session_open(qc_test_arena, qc_test_diag, &peer, pairs,
                                 failure);
}

/* Replies are recorded as they were sent, whatever json-c would make of
 * them; events are left out; an error reply is a reply like any. */
START_TEST(session_records_replies_as_sent)
{
    static const char reply[] =
        "{\"return\": {\"n\": 1.50, \"big\": 18446744073709551615, "
        "\"k\": 1, \"k\": 2, \"s\": \"\\u00e9\\/\"}, \"id\": \"libvirt-2\"}";
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"query-x\", "
                          "\"arguments\": {\"a\": [1, 2]}}");
    qapic_testpeer_event(p, "STOP", NULL);
    qapic_testpeer_send(p, reply);
    qapic_testpeer_expect(p, "{\"execute\": \"query-y\"}");
    qapic_testpeer_send(p, "{\"id\": \"libvirt-3\", \"error\": {\"class\": "
                        "\"GenericError\", \"desc\": \"no\"}}");
    qc_ptrvec pairs = { NULL, 0, 0 };
    qc_diagnostic *failure = NULL;
    qc_probe_session *ss = peer_session(p, &pairs, 5000, &failure);
    ck_assert_ptr_nonnull(ss);
    ck_assert_ptr_nonnull(qc_probe_session_run(
        ss, "query-x", qc_test_json1("{\"a\": [1, 2]}"), &failure));
    const qc_value *err = qc_probe_session_run(ss, "query-y", NULL, &failure);
    ck_assert_ptr_nonnull(qc_obj_get(err, "error"));
    ck_assert_ptr_null(qapic_testpeer_finish(p));
    /* The ids went out as libvirt's. */
    struct json_object *id = NULL;
    json_object_object_get_ex(qapic_testpeer_request(p, 2), "id", &id);
    ck_assert_str_eq(json_object_get_string(id), "libvirt-3");
    qc_probe_session_close(ss);
    qapic_testpeer_free(p);
    qc_buf b = QC_BUF_INIT;
    qc_probe_render(&b, &pairs);
    ck_assert_str_eq(b.data,
        "{\n  \"execute\": \"qmp_capabilities\",\n  \"id\": \"libvirt-1\"\n}\n\n"
        "{\n  \"return\": {},\n  \"id\": \"libvirt-1\"\n}\n\n"
        "{\n  \"execute\": \"query-x\",\n  \"arguments\": {\n    \"a\": [\n"
        "      1,\n      2\n    ]\n  },\n  \"id\": \"libvirt-2\"\n}\n\n"
        "{\n  \"return\": {\n    \"n\": 1.50,\n    \"big\": 18446744073709551615,\n"
        "    \"k\": 1,\n    \"k\": 2,\n    \"s\": \"\\u00e9/\"\n  },\n"
        "  \"id\": \"libvirt-2\"\n}\n\n"
        "{\n  \"execute\": \"query-y\",\n  \"id\": \"libvirt-3\"\n}\n\n"
        "{\n  \"id\": \"libvirt-3\",\n  \"error\": {\n    \"class\": "
        "\"GenericError\",\n    \"desc\": \"no\"\n  }\n}\n");
    qc_buf_free(&b);
}
END_TEST

/* A peer that stops answering ends the session at the time limit. */
START_TEST(session_time_limit)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_handshake(p);
    qapic_testpeer_expect(p, "{\"execute\": \"query-x\"}");
    qapic_testpeer_pause(p, 2000);
    qc_ptrvec pairs = { NULL, 0, 0 };
    qc_diagnostic *failure = NULL;
    qc_probe_session *ss = peer_session(p, &pairs, 300, &failure);
    ck_assert_ptr_nonnull(ss);
    ck_assert_ptr_null(qc_probe_session_run(ss, "query-x", NULL, &failure));
    ck_assert_ptr_nonnull(failure);
    ck_assert_str_eq(qc_diagnostic_code(failure), "probe-timeout");
    ck_assert_ptr_nonnull(strstr(qc_diagnostic_message(failure),
                                 "did not answer 'query-x' (libvirt-2) "
                                 "before the probe's time limit (0.3 s)"));
    ck_assert_uint_eq(pairs.n, 1);  /* only the negotiation */
    qc_probe_session_close(ss);
    qapic_testpeer_free(p);
}
END_TEST

/* ---- with a real QEMU ------------------------------------------------------ */

/* Skips without a QEMU, or without the qapic program (its path in VAR). */
#define NEED_QEMU_AND_QAPIC(var)                                         \
    if (!qc_qemu_binary())                                               \
        QC_SKIP(QC_QEMU_MISSING);                                        \
    const char *var = getenv("QAPIC");                                   \
    if (!var || access(var, X_OK) != 0)                                  \
        QC_SKIP("no qapic program (set QAPIC)")

/* Runs CMD through the shell; its exit status (-1 if it did not exit). */
static int shell(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    qc_buf b = QC_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        qc_buf_append(&b, chunk, n);
    fclose(f);
    return qc_buf_steal(&b);
}

/* The dump's query-qmp-schema is what this QEMU returns to a plain json-c
 * client: equal as JSON values, and in the same member order. */
START_TEST(schema_is_what_qemu_returns)
{
    NEED_QEMU_AND_QAPIC(qapic);
    qc_qemu q;
    qc_qemu_start(&q, NULL);
    qapic_client_options o;
    qapic_client_options_init(&o);
    o.call_timeout_ms = 20000;
    qapic_client *c = qapic_client_new(&o, NULL);
    qapic_error *err = NULL;
    ck_assert_msg(qapic_client_connect_unix(c, q.qmp, &err) == 0, "%s; %s",
                  err ? err->message : "?", qc_qemu_log(&q));
    struct json_object *direct = qapic_client_execute(c, "query-qmp-schema",
                                                      NULL, 0, &err);
    ck_assert_msg(direct != NULL, "%s", err ? err->message : "?");
    /* QEMU serves one monitor client at a time. */
    qapic_client_free(c);

    const char *dump = qc_test_path("p.replies");
    const char *schema = qc_test_path("schema.json");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' probe --connect '%s' --timeout 60 -o '%s'",
             qapic, q.qmp, dump);
    ck_assert_int_eq(shell(cmd), 0);
    snprintf(cmd, sizeof cmd, "'%s' replies check '%s' >/dev/null && "
             "'%s' replies schema '%s' >'%s'", qapic, dump, qapic, dump,
             schema);
    ck_assert_int_eq(shell(cmd), 0);
    struct json_object *recorded = json_object_from_file(schema);
    ck_assert_ptr_nonnull(recorded);
    ck_assert(json_object_equal(direct, recorded));
    char *a = strdup(json_object_to_json_string_ext(direct,
                                                    JSON_C_TO_STRING_PLAIN));
    const char *b = json_object_to_json_string_ext(recorded,
                                                   JSON_C_TO_STRING_PLAIN);
    ck_assert_msg(!strcmp(a, b), "member order differs");
    ck_assert_uint_gt(json_object_array_length(recorded), 1000);
    free(a);
    json_object_put(direct);
    json_object_put(recorded);
    /* --connect leaves the QEMU as it found it: running. */
    ck_assert_int_eq(qc_qemu_wait(&q, 0), -1);
    qc_qemu_stop(&q);
}
END_TEST

/* The dump holds QEMU's replies as QEMU sent them: here the text of a
 * reply on the wire, member order and all, against the dump's. */
START_TEST(replies_are_recorded_as_sent)
{
    NEED_QEMU_AND_QAPIC(qapic);
    const char *dump = qc_test_path("p.replies");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' probe --qemu '%s' --accel tcg -o '%s'",
             qapic, qc_qemu_binary(), dump);
    ck_assert_int_eq(shell(cmd), 0);
    char *text = slurp(dump);
    /* query-version's reply lists micro, minor, major: QEMU's order. */
    const char *v = strstr(text, "\"execute\": \"query-version\"");
    ck_assert_ptr_nonnull(v);
    const char *micro = strstr(v, "\"micro\""), *major = strstr(v, "\"major\"");
    ck_assert(micro && major && micro < major);
    /* An error reply begins with its id, as QEMU sends it. */
    ck_assert_ptr_nonnull(strstr(text, "{\n  \"id\": \"libvirt-"));
    free(text);
}
END_TEST

Suite *qc_suite_probe(void)
{
    Suite *s = suite_create("probe");
    TCase *tc = tcase_create("plan");
    tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown);
    tcase_add_test(tc, default_plan_asks_what_libvirt_asks);
    tcase_add_test(tc, dump_as_plan);
    tcase_add_test(tc, bad_sequences);
    tcase_add_test(tc, sequence_without_schema);
    tcase_add_test(tc, step_decisions);
    tcase_add_test(tc, machine_steps);
    tcase_add_test(tc, render_is_libvirts_layout);
    tcase_add_test(tc, session_records_replies_as_sent);
    tcase_add_test(tc, session_time_limit);
    suite_add_tcase(s, tc);
    TCase *tq = tcase_create("qemu");
    tcase_set_timeout(tq, 120);
    tcase_add_checked_fixture(tq, qc_test_setup, qc_test_teardown);
    tcase_add_checked_fixture(tq, NULL, qc_qemu_stop_all);
    tcase_add_unchecked_fixture(tq, qc_qemu_suite_setup,
                                qc_qemu_suite_teardown);
    tcase_add_test(tq, schema_is_what_qemu_returns);
    tcase_add_test(tq, replies_are_recorded_as_sent);
    suite_add_tcase(s, tq);
    return s;
}
