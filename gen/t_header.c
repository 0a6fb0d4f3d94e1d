/* NAME-tests.h: what the generated test files share: the bindings (by the
 * relative include the CLI computed), Check, the runtime's test support,
 * the oracle and the tables, and the suites of every area. */
#include "gen/tgen.h"

void tg_header(tg *t, qc_emit *o)
{
    const char *p = t->g.p, *pu = t->g.pu;
    tg_banner(t, o, "Declarations shared by the generated Check suites.");
    qc_emit_f(o,
        "#ifndef %s_TESTS_H\n"
        "#define %s_TESTS_H\n"
        "\n"
        "/* The tests call deprecated and unstable commands too. */\n"
        "#ifndef %s_NO_DEPRECATION_WARNINGS\n"
        "#define %s_NO_DEPRECATION_WARNINGS 1\n"
        "#endif\n"
        "\n"
        "#include <stddef.h>\n"
        "\n"
        "#include <check.h>\n"
        "#include <qapic/testgen.h>\n"
        "\n"
        "#include %S\n"
        "\n"
        "/* The oracle: the schema as the tests see it (NAME-tests-tables.c). */\n"
        "extern const qapic_tg_schema %s_tests;\n"
        "/* One-of constraints and min-version arguments of the rule files\n"
        " * (NAME-tests-rules.c), recorded QMP traffic (NAME-tests-replay.c). */\n"
        "extern const qapic_tg_oneof %s_tests_oneofs[];\n"
        "extern const size_t %s_tests_noneofs;\n"
        "extern const qapic_tg_minversion %s_tests_minversions[];\n"
        "extern const size_t %s_tests_nminversions;\n"
        "extern const qapic_tg_dump %s_tests_dumps[];\n"
        "extern const size_t %s_tests_ndumps;\n"
        "\n"
        "/* A suite per area, for a runner of your own (--no-main). */\n"
        "Suite *%s_tests_types_suite(void);     /* types, negatives */\n"
        "Suite *%s_tests_commands_suite(void);  /* commands, events */\n"
        "Suite *%s_tests_replay_suite(void);    /* capability dumps */\n"
        "Suite *%s_tests_rules_suite(void);     /* one-of, min-version */\n"
        "Suite *%s_tests_live_suite(void);      /* a real QEMU */\n"
        "\n"
        "#endif\n", pu, pu, pu, pu, t->o->bindings_include, p, p, p, p, p, p,
        p, p, p, p, p, p);
}
