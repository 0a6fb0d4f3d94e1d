/* NAME-tests-replay.c: the commands of capability dumps (--replies) that
 * the bindings have, with their recorded replies, and each dump's schema
 * (empty tables without --replies). */
#include "gen/tgen.h"

static void dump_records(tg *t, qc_emit *o, size_t d)
{
    const qc_gen_dump *dump = &t->o->dumps[d];
    qc_emit_f(o, "/* %s */\n", dump->name);
    qc_emit_f(o, "static const char %sd%z_schema[] =\n        ", t->ns, d);
    tg_emit_text(o, dump->schema ? dump->schema : "");
    qc_emit_s(o, ";\n\n");
    qc_emit_f(o, "static const qapic_tg_record %sd%z[] = {\n", t->ns, d);
    for (size_t i = 0; i < t->nrecords[d]; i++) {
        const tg_record *r = &t->records[d][i];
        qc_emit_f(o, "    { %z,  /* %s, line %u */\n        ", r->command,
                  r->rec->command, r->rec->line);
        tg_emit_text(o, r->rec->request);
        qc_emit_s(o, ",\n        ");
        tg_emit_text(o, r->rec->reply);
        qc_emit_f(o, ",\n        %u },\n", r->rec->line);
    }
    qc_emit_s(o, "    { 0 }\n};\n\n");
}

void tg_replay(tg *t, qc_emit *o)
{
    const char *p = t->g.p;
    tg_banner(t, o, "Tables of the replay tests: commands recorded in "
                    "capability dumps, with their replies.");
    qc_emit_f(o, "#include \"%s-tests.h\"\n\n", p);
    for (size_t d = 0; d < t->o->ndumps; d++)
        dump_records(t, o, d);
    qc_emit_f(o, "const qapic_tg_dump %s_tests_dumps[] = {\n", p);
    for (size_t d = 0; d < t->o->ndumps; d++) {
        const qc_gen_dump *dump = &t->o->dumps[d];
        qc_emit_f(o, "    { %S, %s, %sd%z, %z },\n", dump->name,
                  dump->schema ? qc_arena_printf(t->g.a, "%sd%zu_schema",
                                                 t->ns, d)
                               : "NULL", t->ns, d, t->nrecords[d]);
    }
    qc_emit_f(o, "    { 0 }\n};\nconst size_t %s_tests_ndumps = %z;\n", p,
              t->o->ndumps);
}
