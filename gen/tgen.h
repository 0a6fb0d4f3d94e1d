/* Internals of `qapic gen tests`, shared by its files:
 *   tests.c     the entry point, qc_gen_tests(): the view, the oracle's
 *               type numbering, the rules and recordings resolved
 *   t_header.c  NAME-tests.h: what the test files share
 *   t_tables.c  NAME-tests-tables.c: the oracle (types, commands with a
 *               typed call each, events with a typed handler each)
 *   t_suites.c  NAME-tests-suites.c: the Check suites of every area
 *   t_rules.c   NAME-tests-rules.c: one-of and min-version tables
 *   t_replay.c  NAME-tests-replay.c: the recorded commands and replies
 *   t_main.c    NAME-tests-main.c: the runner (or nothing, --no-main)
 *   t_user.c    NAME-tests-user.c: the skeleton of user-written tests
 * The C names come from the view of `qapic gen c` (cgen.h), so the tests
 * name exactly what the bindings of the same schema and options define. */
#ifndef QC_GEN_TGEN_H
#define QC_GEN_TGEN_H

#include <stdbool.h>
#include <stddef.h>

#include "gen/cgen.h"
#include "gen/gen.h"

/* A one-of constraint or min-version argument that resolved. */
typedef struct tg_oneof {
    const qc_gen_rule *rule;
    size_t command;             /* index into tg.commands */
} tg_oneof;

typedef struct tg_minver {
    const qc_gen_rule *rule;
    size_t command;
    const char *path;
} tg_minver;

typedef struct tg_record {
    const qc_gen_record *rec;
    size_t command;
} tg_record;

typedef struct tg {
    cg g;                       /* the bindings' view */
    /* "NAME__": what the test files' own names start with.  The bindings'
     * headers declare nothing so named, whatever the prefix and schema
     * (a fixed word could be a prefix: T_Foo is the type Foo of prefix T). */
    const char *ns;
    const qc_gen_tests_opts *o;
    /* The oracle's types: every type the bindings describe, in
     * definition order; number[e->index] is its index, or -1. */
    cg_ent **types;
    size_t ntypes;
    long *number;
    cg_ent **commands;          /* sorted by name */
    size_t ncommands;
    cg_ent **events;            /* sorted by name */
    size_t nevents;
    tg_oneof *oneofs;
    size_t noneofs;
    tg_minver *minvers;
    size_t nminvers;
    tg_record **records;        /* per dump */
    size_t *nrecords;
} tg;

/* The oracle's name of the type's index constant: "NAME__t_Foo". */
const char *tg_type_const(tg *t, const qc_entity *e);
/* The index of command E in the oracle's commands. */
size_t tg_command_index(tg *t, const qc_entity *e);
/* Whether command X runs in live mode (see tests.c). */
bool tg_live_query(const tg *t, const cg_ent *x);

/* Emits S as a C string literal in pieces of a line each (JSON texts of
 * recordings run to megabytes); NULL emits NULL. */
void tg_emit_text(qc_emit *o, const char *s);

/* The comment at the top of every generated test file. */
void tg_banner(tg *t, qc_emit *o, const char *what);

void tg_header(tg *t, qc_emit *o);
void tg_tables(tg *t, qc_emit *o);
void tg_suites(tg *t, qc_emit *o);
void tg_rules(tg *t, qc_emit *o);
void tg_replay(tg *t, qc_emit *o);
void tg_main(tg *t, qc_emit *o);
void tg_user(tg *t, qc_emit *o);

#endif
