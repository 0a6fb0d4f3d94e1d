/* NAME-tests-rules.c: the rule files' one-of constraints and min-version
 * arguments that name commands and paths of the bindings (empty tables
 * without --rules). */
#include "gen/tgen.h"

static void oneof_groups(tg *t, qc_emit *o, size_t i)
{
    const qc_gen_rule *r = t->oneofs[i].rule;
    for (size_t g = 0; g < r->noneof; g++) {
        qc_emit_f(o, "static const char *const %so%z_g%z[] = {", t->ns, i, g);
        for (size_t k = 0; k < r->oneof[g].n; k++)
            qc_emit_f(o, "%s %S", k ? "," : "", r->oneof[g].paths[k]);
        qc_emit_s(o, " };\n");
    }
    qc_emit_f(o, "static const qapic_oneof_group %so%z[] = {", t->ns, i);
    for (size_t g = 0; g < r->noneof; g++)
        qc_emit_f(o, "%s { %so%z_g%z, %z }", g ? "," : "", t->ns, i, g,
                  r->oneof[g].n);
    qc_emit_s(o, " };\n");
}

void tg_rules(tg *t, qc_emit *o)
{
    const char *p = t->g.p;
    tg_banner(t, o, "Tables of the rule tests: one-of constraints and "
                    "min-version arguments.");
    qc_emit_f(o, "#include \"%s-tests.h\"\n\n", p);
    for (size_t i = 0; i < t->noneofs; i++)
        oneof_groups(t, o, i);
    qc_emit_f(o, "\nconst qapic_tg_oneof %s_tests_oneofs[] = {\n", p);
    for (size_t i = 0; i < t->noneofs; i++) {
        const qc_gen_rule *r = t->oneofs[i].rule;
        qc_emit_f(o, "    { %S, %z, { %S, %so%z, %z } },\n", r->id,
                  t->oneofs[i].command, r->command, t->ns, i, r->noneof);
    }
    qc_emit_f(o, "    { 0 }\n};\nconst size_t %s_tests_noneofs = %z;\n\n", p,
              t->noneofs);
    qc_emit_f(o, "const qapic_tg_minversion %s_tests_minversions[] = {\n", p);
    for (size_t i = 0; i < t->nminvers; i++) {
        const tg_minver *m = &t->minvers[i];
        qc_emit_f(o, "    { %S, %z, %S, %S },\n", m->rule->id, m->command,
                  m->path, m->rule->min_version);
    }
    qc_emit_f(o, "    { 0 }\n};\nconst size_t %s_tests_nminversions = %z;\n",
              p, t->nminvers);
}
