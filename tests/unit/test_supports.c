/* Unit tests of qapic_client_supports (runtime/supports.c) and of the
 * check of calls against the connected QEMU's schema (runtime/argcheck.c),
 * on the real schemas of the corpus's capability dumps: the answers must
 * be those of `qapic query` on the same dump, and every command the dumps
 * record as accepted by their QEMU must pass the check. */
#include <check.h>
#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "qapic/client.h"
#include "qapic/testpeer.h"
#include "skip.h"

static const char *corpus(void)
{
    const char *c = getenv("CORPUS");
    return c && *c ? c : QC_DEFAULT_CORPUS;
}

/* The path of corpus file NAME in BUF, or NULL when it is not there. */
static const char *corpus_file(char *buf, size_t n, const char *name)
{
    struct stat st;
    snprintf(buf, n, "%s/%s", corpus(), name);
    return stat(buf, &st) == 0 ? buf : NULL;
}

/* The qapic program, or NULL. */
static const char *qapic_bin(void)
{
    const char *q = getenv("QAPIC");
    if (!q || !*q)
        q = "./qapic";
    return access(q, X_OK) == 0 ? q : NULL;
}

/* A client, unconnected, with the schema of DUMP. */
static qapic_client *client_for_dump(const char *dump)
{
    qapic_error *err = NULL;
    struct json_object *schema = qapic_testpeer_dump_return(
        dump, "query-qmp-schema", &err);
    ck_assert_msg(schema != NULL, "%s", err ? err->message : "?");
    qapic_client *c = qapic_client_new(NULL, NULL);
    qapic_client_set_schema(c, schema);
    json_object_put(schema);
    return c;
}

/* ---- the same answers as `qapic query` ----------------------------------- */

#define MAX_QUERIES 128

typedef struct queries {
    char *q[MAX_QUERIES];
    size_t n;
} queries;

static void read_queries(queries *qs, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    ck_assert_ptr_nonnull(f);
    qs->n = 0;
    while (fgets(line, sizeof line, f) && qs->n < MAX_QUERIES) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\t\n")] = '\0';
        qs->q[qs->n++] = strdup(line);
    }
    fclose(f);
}

/* Queries beyond libvirt's, for the corners of the syntax. */
static const char *const extra_queries[] = {
    "migrate/arg-type/channels",
    "migrate/arg-type/*channels",
    "migrate/arg-type/*uri",
    "migrate/arg-type/uri/!string",
    "migrate/arg-type/uri/!int",
    "migrate/arg-type/channels/channel-type/^main",
    "migrate/arg-type/channels/addr/+socket/+unix/path",
    "migrate/arg-type/blk/$deprecated",
    "migrate/$deprecated",
    "migrate-incoming/arg-type/exit-on-error",
    "query-migrate/ret-type/status/^completed",
    "query-migrate/ret-type/status/^postcopy-paused",
    "MIGRATION/arg-type/status",
    "MIGRATION/arg-type/status/^wait-unplug",
    "blockdev-add/arg-type/+file/filename",
    "blockdev-add/arg-type/+qcow2/file/+file/filename",
    "blockdev-add/arg-type/+qcow2/file/^none",
    "query-cpus-fast/ret-type/target",
    "query-cpus-fast/ret-type/+s390x/cpu-state",
    "object-add/arg-type/qom-type/^memory-backend-file/$unstable",
    "x-query-roms/$unstable",
    "no-such-command",
    "no-such-command/arg-type",
    "query-status/ret-type/no-such-member",
    "query-status/arg-type/x",
    "query-status/ret-type/status/^x",
    "query-status/ret-type/+x",
    "query-status/ret-type/*status",
    "query-status/ret-type/running/!boolean",
    "query-status/ret-type/running/!number",
    " query-status",
    "query-status/ret-type/ running",
};

/* Runs `qapic query DUMP QUERIES...` and checks every line against
 * qapic_client_supports() on a client with the same schema. */
static void compare_on(const char *qapic, const char *dump, queries *qs)
{
    size_t cap = 256;
    for (size_t i = 0; i < qs->n; i++)
        cap += strlen(qs->q[i]) + 4;
    char *cmd = malloc(cap + strlen(qapic) + strlen(dump));
    int len = sprintf(cmd, "'%s' query '%s'", qapic, dump);
    for (size_t i = 0; i < qs->n; i++)
        len += sprintf(cmd + len, " '%s'", qs->q[i]);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    qapic_client *c = client_for_dump(dump);
    char line[2048];
    size_t seen = 0;
    while (fgets(line, sizeof line, f)) {
        char *tab = strrchr(line, '\t');
        ck_assert_ptr_nonnull(tab);
        *tab = '\0';
        bool expected = !strncmp(tab + 1, "true", 4);
        ck_assert_str_eq(line, qs->q[seen]);
        qapic_error *err = NULL;
        int got = qapic_client_supports(c, line, &err);
        ck_assert_msg(got == expected, "%s on %s: supports says %d, qapic "
                      "query says %s (%s)", line, dump, got, tab + 1,
                      err ? err->message : "");
        seen++;
    }
    int status = pclose(f);
    ck_assert_msg(seen == qs->n, "%s: qapic query answered %zu of %zu "
                  "queries (status %d)", dump, seen, qs->n, status);
    qapic_client_free(c);
    free(cmd);
}

START_TEST(same_answers_as_qapic_query)
{
    char path[8192];
    const char *qapic = qapic_bin();
    if (!qapic)
        QC_SKIP("no qapic program (set QAPIC)");
    if (!corpus_file(path, sizeof path, "libvirt-schema-queries.txt"))
        QC_SKIP("corpus not found (configure --with-corpus=DIR)");
    queries qs;
    read_queries(&qs, path);
    ck_assert_uint_eq(qs.n, 51);
    for (size_t i = 0; i < sizeof extra_queries / sizeof *extra_queries; i++)
        qs.q[qs.n++] = strdup(extra_queries[i]);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/replies", corpus());
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int dumps = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 8 || strcmp(e->d_name + n - 8, ".replies"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        compare_on(qapic, path, &qs);
        dumps++;
    }
    closedir(d);
    ck_assert_int_ge(dumps, 20);
    for (size_t i = 0; i < qs.n; i++)
        free(qs.q[i]);
}
END_TEST

/* Malformed queries: refused with qapic query's own explanation. */
START_TEST(malformed_queries)
{
    static const char *const bad[][2] = {
        { "", "the query is empty" },
        { "a//b", "component 2 is empty" },
        { "a/", "component 2 is empty" },
        { "$x", "the query must start with an entry name, not '$x'" },
        { "a/*", "component 2: '*' must be followed by a name" },
        { "a/ ", "component 2: ' ' must be followed by a name" },
        { "a/!b/c", "'!b' must be the last component" },
        { "a/$b/c", "'$b' must be the last component" },
        { "a/^b/c", "'^b' may be followed only by one '$feature' "
                    "component" },
        { "a/^b/$c/$d", "'^b' may be followed only by one '$feature' "
                        "component" },
    };
    qapic_client *c = qapic_client_new(NULL, NULL);
    struct json_object *schema = json_tokener_parse("[]");
    qapic_client_set_schema(c, schema);
    json_object_put(schema);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        qapic_error *err = NULL;
        ck_assert_int_eq(qapic_client_supports(c, bad[i][0], &err), -1);
        ck_assert_int_eq(err->kind, QAPIC_ERROR_INVALID);
        char expected[256];
        snprintf(expected, sizeof expected, "malformed query '%s': %s",
                 bad[i][0], bad[i][1]);
        ck_assert_str_eq(err->message, expected);
        qapic_error_free(err);
    }
    /* The same words as qapic query (checked when the program is here). */
    const char *qapic = qapic_bin();
    if (qapic) {
        char cmd[512], line[512] = "";
        snprintf(cmd, sizeof cmd, "'%s' query /dev/null 'a/^b/c' 2>&1",
                 qapic);
        FILE *f = popen(cmd, "r");
        ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
        pclose(f);
        ck_assert_msg(strstr(line, "malformed query 'a/^b/c': '^b' may be "
                             "followed only by one '$feature' component"),
                      "%s", line);
    }
    qapic_client_free(c);
}
END_TEST

/* Fetched from the QEMU once, on first use. */
START_TEST(schema_fetched_once)
{
    char path[4096];
    if (!corpus_file(path, sizeof path, "replies/caps_7.2.0_x86_64.replies"))
        QC_SKIP("corpus not found (configure --with-corpus=DIR)");
    struct json_object *schema = qapic_testpeer_dump_return(
        path, "query-qmp-schema", NULL);
    ck_assert_ptr_nonnull(schema);
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_greeting_version(p, 7, 2, 22);
    qapic_testpeer_exchange(p, "{\"execute\": \"qmp_capabilities\"}",
                            "{\"return\": {}}");
    qapic_testpeer_expect(p, "{\"execute\": \"query-qmp-schema\"}");
    qapic_testpeer_send(p, "{\"event\": \"STOP\", \"timestamp\": "
                        "{\"seconds\": 1, \"microseconds\": 2}}");
    char *reply = malloc(strlen(json_object_to_json_string(schema)) + 64);
    sprintf(reply, "{\"return\": %s}", json_object_to_json_string(schema));
    qapic_testpeer_reply(p, reply);
    free(reply);
    qapic_testpeer_expect_close(p);
    qapic_error *err = NULL;
    qapic_client *c = qapic_testpeer_connect(p, NULL, &err);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(qapic_client_supports(c, "migrate/arg-type/uri", &err),
                     1);
    ck_assert_int_eq(qapic_client_supports(c, "migrate/arg-type/channels",
                                           &err), 0);
    ck_assert_int_eq(qapic_client_supports(
        c, "migrate-incoming/arg-type/exit-on-error", &err), 0);
    struct json_object *got = qapic_client_schema(c, &err);
    ck_assert(json_object_equal(got, schema));
    qapic_client_free(c);
    const char *f = qapic_testpeer_finish(p);
    ck_assert_msg(!f, "%s", f);
    ck_assert_uint_eq(qapic_testpeer_nrequests(p), 2);
    qapic_testpeer_free(p);
    json_object_put(schema);
}
END_TEST

/* A QEMU without query-qmp-schema: supports fails, calls are not checked. */
START_TEST(schema_unavailable)
{
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_greeting_version(p, 2, 4, 0);
    qapic_testpeer_exchange(p, "{\"execute\": \"qmp_capabilities\"}",
                            "{\"return\": {}}");
    qapic_testpeer_exchange(p, "{\"execute\": \"query-qmp-schema\"}",
                            "{\"error\": {\"class\": \"CommandNotFound\", "
                            "\"desc\": \"The command query-qmp-schema has "
                            "not been found\"}}");
    qapic_client *c = qapic_testpeer_connect(p, NULL, NULL);
    qapic_error *err = NULL;
    ck_assert_int_eq(qapic_client_supports(c, "migrate", &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_QMP);
    qapic_error_free(err);
    err = NULL;
    ck_assert_int_eq(qapic_client_check_call(c, "migrate", NULL, &err), 0);
    ck_assert_int_eq(qapic_client_supports(c, "migrate", &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_UNSUPPORTED);
    ck_assert_str_eq(err->message, "this QEMU (2.4.0) has no "
                     "query-qmp-schema");
    qapic_error_free(err);
    const char *f = qapic_testpeer_finish(p);
    ck_assert_msg(!f, "%s", f);
    qapic_client_free(c);
    qapic_testpeer_free(p);
}
END_TEST

/* ---- the check of calls ------------------------------------------------------ */

/* A client on a test peer that greets as VERSION and serves the schema of
 * corpus dump DUMP; the script then expects the client to close without
 * having sent anything else. */
static qapic_client *checking_client(qapic_testpeer **pp, const char *dump,
                                     int major, int minor, int micro)
{
    char path[4096];
    if (!corpus_file(path, sizeof path, dump))
        return NULL;
    struct json_object *schema = qapic_testpeer_dump_return(
        path, "query-qmp-schema", NULL);
    ck_assert_ptr_nonnull(schema);
    qapic_testpeer *p = qapic_testpeer_new();
    qapic_testpeer_greeting_version(p, major, minor, micro);
    qapic_testpeer_exchange(p, "{\"execute\": \"qmp_capabilities\"}",
                            "{\"return\": {}}");
    qapic_testpeer_set_schema(p, schema);
    json_object_put(schema);
    qapic_testpeer_expect_close(p);
    qapic_error *err = NULL;
    qapic_client *c = qapic_testpeer_connect(p, NULL, &err);
    ck_assert_msg(c != NULL, "%s", err ? err->message : "");
    *pp = p;
    return c;
}

static void check_fails(qapic_client *c, const char *command,
                        const char *args, const char *message,
                        const char *path)
{
    struct json_object *a = args ? json_tokener_parse(args) : NULL;
    qapic_error *err = NULL;
    ck_assert_int_eq(qapic_client_check_call(c, command, a, &err), -1);
    ck_assert_int_eq(err->kind, QAPIC_ERROR_UNSUPPORTED);
    ck_assert_str_eq(err->message, message);
    if (path)
        ck_assert_str_eq(err->path, path);
    qapic_error_free(err);
    if (a)
        json_object_put(a);
}

static void check_passes(qapic_client *c, const char *command,
                         const char *args)
{
    struct json_object *a = args ? json_tokener_parse(args) : NULL;
    qapic_error *err = NULL;
    ck_assert_msg(qapic_client_check_call(c, command, a, &err) == 0,
                  "%s %s: %s", command, args ? args : "",
                  err ? err->message : "");
    if (a)
        json_object_put(a);
}

static void close_checking(qapic_client *c, qapic_testpeer *p)
{
    qapic_client_free(c);
    const char *f = qapic_testpeer_finish(p);
    ck_assert_msg(!f, "%s", f);
    qapic_testpeer_free(p);
}

#define CHANNELS "[{\"channel-type\": \"main\", \"addr\": {\"transport\": " \
                 "\"socket\", \"type\": \"unix\", \"path\": \"/tmp/m\"}}]"

START_TEST(refuses_what_7_2_lacks)
{
    qapic_testpeer *p;
    qapic_client *c = checking_client(&p, "replies/caps_7.2.0_x86_64.replies",
                                      7, 2, 22);
    if (!c)
        QC_SKIP("corpus not found (configure --with-corpus=DIR)");
    check_fails(c, "migrate", "{\"uri\": \"unix:/tmp/m\", \"channels\": "
                CHANNELS "}", "this QEMU (7.2.22) has no argument "
                "'channels' of 'migrate'", "arguments.channels");
    check_fails(c, "migrate", "{\"channels\": " CHANNELS "}",
                "this QEMU (7.2.22) has no argument 'channels' of 'migrate'",
                "arguments.channels");
    check_fails(c, "migrate", NULL,
                "this QEMU (7.2.22) requires argument 'uri' of 'migrate'",
                "arguments.uri");
    check_fails(c, "migrate-incoming", "{\"uri\": \"defer\", "
                "\"exit-on-error\": false}", "this QEMU (7.2.22) has no "
                "argument 'exit-on-error' of 'migrate-incoming'", NULL);
    check_fails(c, "no-such-command", NULL,
                "this QEMU (7.2.22) has no command 'no-such-command'", NULL);
    check_fails(c, "MIGRATION", NULL,
                "this QEMU (7.2.22) has no command 'MIGRATION'", NULL);
    check_passes(c, "migrate", "{\"uri\": \"unix:/tmp/m\"}");
    check_passes(c, "query-status", NULL);
    /* Build options differ: Debian's 7.2 has no io_uring; this dump has. */
    check_passes(c, "blockdev-add", "{\"driver\": \"file\", \"node-name\": "
                 "\"f\", \"filename\": \"/x\", \"aio\": \"io_uring\"}");
    close_checking(c, p);
}
END_TEST

START_TEST(checks_members_deeply)
{
    qapic_testpeer *p;
    qapic_client *c = checking_client(
        &p, "replies/caps_10.0.0_x86_64.replies", 10, 0, 0);
    if (!c)
        QC_SKIP("corpus not found (configure --with-corpus=DIR)");
    const char *who = "this QEMU (10.0.0)";
    char msg[512];
    check_passes(c, "migrate", "{\"channels\": " CHANNELS "}");
    check_passes(c, "migrate-incoming", "{\"uri\": \"defer\", "
                 "\"exit-on-error\": false}");
    /* Unions by their tag, nested: MigrationAddress, then SocketAddress. */
    snprintf(msg, sizeof msg, "%s has no argument 'channels[0].addr.path' "
             "of 'migrate'", who);
    check_fails(c, "migrate", "{\"channels\": [{\"channel-type\": \"main\", "
                "\"addr\": {\"transport\": \"socket\", \"type\": \"inet\", "
                "\"host\": \"h\", \"port\": \"1\", \"path\": \"/x\"}}]}",
                msg, "arguments.channels[0].addr.path");
    snprintf(msg, sizeof msg, "%s requires argument 'channels[0].addr.port' "
             "of 'migrate'", who);
    check_fails(c, "migrate", "{\"channels\": [{\"channel-type\": \"main\", "
                "\"addr\": {\"transport\": \"socket\", \"type\": \"inet\", "
                "\"host\": \"h\"}}]}", msg, NULL);
    /* Enum values. */
    snprintf(msg, sizeof msg, "%s has no value 'side' for argument "
             "'channels[0].channel-type' of 'migrate'", who);
    check_fails(c, "migrate", "{\"channels\": [{\"channel-type\": \"side\", "
                "\"addr\": {\"transport\": \"rdma\", \"host\": \"h\", "
                "\"port\": \"1\"}}]}", msg, NULL);
    /* JSON types, builtins and alternates (BlockdevRef: object or string). */
    snprintf(msg, sizeof msg, "%s expects a string, not an integer, for "
             "argument 'uri' of 'migrate'", who);
    check_fails(c, "migrate", "{\"uri\": 5}", msg, NULL);
    check_passes(c, "blockdev-add", "{\"driver\": \"qcow2\", \"node-name\": "
                 "\"q\", \"file\": \"f\"}");
    check_passes(c, "blockdev-add", "{\"driver\": \"qcow2\", \"node-name\": "
                 "\"q\", \"file\": {\"driver\": \"file\", \"filename\": "
                 "\"/x\"}}");
    snprintf(msg, sizeof msg, "%s takes no integer for argument 'file' of "
             "'blockdev-add'", who);
    check_fails(c, "blockdev-add", "{\"driver\": \"qcow2\", \"node-name\": "
                "\"q\", \"file\": 5}", msg, NULL);
    snprintf(msg, sizeof msg, "%s has no argument 'file.bogus' of "
             "'blockdev-add'", who);
    check_fails(c, "blockdev-add", "{\"driver\": \"qcow2\", \"node-name\": "
                "\"q\", \"file\": {\"driver\": \"file\", \"filename\": "
                "\"/x\", \"bogus\": 1}}", msg, NULL);
    /* A command without arguments takes none. */
    snprintf(msg, sizeof msg, "%s has no argument 'x' of 'query-status'",
             who);
    check_fails(c, "query-status", "{\"x\": 1}", msg, "arguments.x");
    /* 'any' takes anything. */
    check_passes(c, "qom-set", "{\"path\": \"/machine\", \"property\": "
                 "\"p\", \"value\": [1, {\"a\": null}]}");
    close_checking(c, p);
}
END_TEST

/* Every command a dump records as accepted by its QEMU passes the check
 * against that dump's schema. */
static int check_recorded(const char *dump)
{
    qapic_client *c = client_for_dump(dump);
    FILE *f = fopen(dump, "r");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    char *text = malloc((size_t)len + 1);
    ck_assert_uint_eq(fread(text, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    text[len] = '\0';
    struct json_tokener *tok = json_tokener_new();
    struct json_object *prev = NULL;
    int checked = 0;
    for (const char *p = text; *p;) {
        while (*p == ' ' || *p == '\n')
            p++;
        if (!*p)
            break;
        struct json_object *v = json_tokener_parse_ex(tok, p,
                                                      (int)strlen(p));
        ck_assert_ptr_nonnull(v);
        p += json_tokener_get_parse_end(tok);
        json_tokener_reset(tok);
        struct json_object *ex = json_object_object_get(prev, "execute");
        if (ex && json_object_object_get_ex(v, "return", NULL)) {
            qapic_error *err = NULL;
            const char *name = json_object_get_string(ex);
            ck_assert_msg(qapic_client_check_call(
                c, name, json_object_object_get(prev, "arguments"), &err)
                == 0, "%s: %s", dump, err ? err->message : "");
            checked++;
        }
        if (prev)
            json_object_put(prev);
        prev = v;
    }
    if (prev)
        json_object_put(prev);
    json_tokener_free(tok);
    free(text);
    qapic_client_free(c);
    return checked;
}

START_TEST(recorded_commands_pass)
{
    char dir[4096], path[8192];
    snprintf(dir, sizeof dir, "%s/replies", corpus());
    DIR *d = opendir(dir);
    if (!d)
        QC_SKIP("corpus not found (configure --with-corpus=DIR)");
    int checked = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 8 || strcmp(e->d_name + n - 8, ".replies"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        checked += check_recorded(path);
    }
    closedir(d);
    ck_assert_int_gt(checked, 1000);
}
END_TEST

Suite *qc_suite_supports(void)
{
    Suite *s = suite_create("supports");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, same_answers_as_qapic_query);
    tcase_add_test(tc, malformed_queries);
    tcase_add_test(tc, schema_fetched_once);
    tcase_add_test(tc, schema_unavailable);
    tcase_add_test(tc, refuses_what_7_2_lacks);
    tcase_add_test(tc, checks_members_deeply);
    tcase_add_test(tc, recorded_commands_pass);
    suite_add_tcase(s, tc);
    return s;
}
