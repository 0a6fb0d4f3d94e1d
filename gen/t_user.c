/* NAME-tests-user.c (--skeleton): a test per command for the user to
 * complete, calling the stub with sample arguments against the test peer
 * and leaving a marked place for assertions on the reply.  The CLI writes
 * it only when it does not exist: it is the user's from then on. */
#include <string.h>

#include "gen/tgen.h"

static void user_test(tg *t, qc_emit *o, const cg_ent *x)
{
    const qc_entity *e = x->e;
    const char *p = t->g.p;
    qc_emit_f(o,
        "/* %s */\n"
        "START_TEST(%stest_%s)\n"
        "{\n"
        "    qapic_tg_user u;\n"
        "    qapic_tg_msg m;\n"
        "    qapic_error *err = NULL;\n"
        "\n"
        "    /* A test peer that expects the call with the sample arguments\n"
        "     * and answers with a sample reply.  To script it otherwise, give\n"
        "     * the request and the reply as JSON texts instead of NULL. */\n"
        "    ck_assert_msg(qapic_tg_user_begin(&u, %senv, %S, NULL, NULL, &m),\n"
        "                  \"%%s\", m.text);\n", e->name, t->ns, x->cname, t->ns,
        e->name);
    const char *args = "";
    if (e->arg_type) {
        qc_emit_f(o, "    %s *args = u.args;    /* the sample arguments */\n",
                  cg_of(&t->g, e->arg_type)->ctype);
        args = ", args";
    }
    if (e->ret_type) {
        const cg_ent *r = cg_of(&t->g, e->ret_type);
        const char *box = r->box;
        const char *sep = box[strlen(box) - 1] == '*' ? "" : " ";
        qc_emit_f(o,
            "    %s%s*ret = %s_%s(u.client%s, &err);\n"
            "\n"
            "    ck_assert_msg(ret != NULL, \"%%s\", err ? err->message : \"?\");\n"
            "    /* >>> Your assertions on ret here. <<< */\n"
            "\n"
            "    qapic_free(&%s, ret);\n", box, sep, p, x->cname, args, r->desc);
    } else {
        qc_emit_f(o,
            "    int rc = %s_%s(u.client%s, &err);\n"
            "\n"
            "    ck_assert_msg(rc == 0, \"%%s\", err ? err->message : \"?\");\n"
            "    /* >>> Your assertions here. <<< */\n"
            "\n", p, x->cname, args);
    }
    qc_emit_s(o,
        "    qapic_error_free(err);\n"
        "    ck_assert_msg(qapic_tg_user_end(&u, &m), \"%s\", m.text);\n"
        "}\n"
        "END_TEST\n\n");
}

void tg_user(tg *t, qc_emit *o)
{
    const char *p = t->g.p;
    tg_banner(t, o, "Your tests of the commands, one each: written once by "
                    "qapic gen tests --skeleton and never overwritten, so "
                    "edit freely.");
    const char *ns = t->ns;
    qc_emit_f(o, "#include \"%s-tests.h\"\n\n"
                 "Suite *%s_tests_user_suite(void);\n\n"
                 "/* What the tests share (the oracle's schema, which each\n"
                 " * client is checked against): built once, before the forked\n"
                 " * tests. */\n"
                 "static qapic_tg_env *%senv;\n\n"
                 "static void %ssetup(void)\n"
                 "{\n    %senv = qapic_tg_env_new(&%s_tests, NULL, 0);\n}\n\n"
                 "static void %steardown(void)\n"
                 "{\n    qapic_tg_env_free(%senv);\n    %senv = NULL;\n}\n\n",
              p, p, ns, ns, ns, p, ns, ns, ns);
    for (size_t i = 0; i < t->ncommands; i++)
        user_test(t, o, t->commands[i]);
    qc_emit_f(o,
        "Suite *%s_tests_user_suite(void)\n"
        "{\n"
        "    Suite *s = suite_create(\"%s user tests\");\n"
        "    TCase *tc = tcase_create(\"commands\");\n"
        "    tcase_add_unchecked_fixture(tc, %ssetup, %steardown);\n"
        "    tcase_set_timeout(tc, 60);\n", p, p, ns, ns);
    for (size_t i = 0; i < t->ncommands; i++)
        qc_emit_f(o, "    tcase_add_test(tc, %stest_%s);\n", t->ns,
                  t->commands[i]->cname);
    qc_emit_s(o, "    suite_add_tcase(s, tc);\n    return s;\n}\n");
}
