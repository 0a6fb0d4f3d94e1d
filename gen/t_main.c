/* NAME-tests-main.c: the runner of every suite, the user's skeleton
 * suite included when it is linked in; with --no-main a file without
 * main, so that a stale runner never meets the user's. */
#include "gen/tgen.h"

void tg_main(tg *t, qc_emit *o)
{
    const char *p = t->g.p;
    if (t->o->no_main) {
        tg_banner(t, o, "No runner (--no-main): link the suites of "
                        "NAME-tests.h into your own.");
        qc_emit_f(o, "#include \"%s-tests.h\"\n\n"
                     "/* ISO C wants something in every file. */\n"
                     "typedef int %s_tests_no_main;\n", p, p);
        return;
    }
    tg_banner(t, o, "The runner of the generated suites.  CK_FORK, "
                    "CK_VERBOSITY and CK_RUN_SUITE work as in every Check "
                    "program; QAPIC_TEST_QEMU turns on live mode.");
    qc_emit_f(o,
        "#include <stdlib.h>\n"
        "\n"
        "#include \"%s-tests.h\"\n"
        "\n"
        "/* Defined in %s-tests-user.c (qapic gen tests --skeleton), when\n"
        " * it is linked in. */\n"
        "#if defined(__GNUC__)\n"
        "Suite *%s_tests_user_suite(void) __attribute__((weak));\n"
        "#endif\n"
        "\n"
        "int main(void)\n"
        "{\n"
        "    SRunner *sr = srunner_create(%s_tests_types_suite());\n"
        "    srunner_add_suite(sr, %s_tests_commands_suite());\n"
        "    srunner_add_suite(sr, %s_tests_replay_suite());\n"
        "    srunner_add_suite(sr, %s_tests_rules_suite());\n"
        "    srunner_add_suite(sr, %s_tests_live_suite());\n"
        "#if defined(__GNUC__)\n"
        "    if (%s_tests_user_suite)\n"
        "        srunner_add_suite(sr, %s_tests_user_suite());\n"
        "#endif\n"
        "    srunner_run_all(sr, CK_ENV);\n"
        "    int failed = srunner_ntests_failed(sr);\n"
        "    srunner_free(sr);\n"
        "    return failed ? EXIT_FAILURE : EXIT_SUCCESS;\n"
        "}\n", p, p, p, p, p, p, p, p, p, p);
}
