/* qapic: command-line entry point and subcommand table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config.h"


static const char common_options[] =
    "Options every subcommand accepts:\n"
    "  --diag-format=gcc|qemu|json  layout of diagnostics (default gcc)\n"
    "  --max-errors=N               stop after N errors (default 20, 0: no limit)\n"
    "  --std=qemu-10.2|qemu-10.0    doc comment rules of that QEMU release\n"
    "  --no-doc-checks              read doc blocks as plain comments\n"
    "  --help                       this text\n";

static const qc_command commands[] = {
    { "parse", qc_cmd_parse, "check the syntax of a schema or JSON file",
      "usage: qapic parse [--dialect=schema|json|stream] [--print] FILE\n"
      "\n"
      "Reads FILE in one dialect and reports the first syntax error.\n"
      "  --dialect=schema  QAPI schema syntax (default for .json files)\n"
      "  --dialect=json    one strict JSON value\n"
      "  --dialect=stream  a sequence of JSON values (default for .replies)\n"
      "  --print           write the values in canonical form (JSON with\n"
      "                    2-space indent, as capability dumps use)\n" },
    { "check", qc_cmd_check, "check QAPI schemas like QEMU's generator does",
      "usage: qapic check [options] SCHEMA...\n"
      "\n"
      "Checks each root SCHEMA and everything it includes against every rule\n"
      "QEMU's QAPI generator enforces.  Prints nothing and exits 0 when all\n"
      "are valid; otherwise prints diagnostics and exits 1.\n" },
    { "dump", qc_cmd_dump, "print the schema model",
      "usage: qapic dump [--format=test-qapi|summary] [options] SCHEMA\n"
      "\n"
      "  --format=test-qapi  the listing of QEMU's test harness, byte for byte\n"
      "  --format=summary    a short overview (default)\n" },
    { "introspect", qc_cmd_introspect, "print query-qmp-schema for a schema",
      "usage: qapic introspect [--config FILE] [-D SYMBOL]... [--all-conditions]\n"
      "                        [-u|--unmask-non-abi-names] [--key-order=sorted|qemu]\n"
      "                        [-o FILE] SCHEMA\n"
      "\n"
      "Prints the introspection QEMU would return for SCHEMA built with the\n"
      "given condition symbols (none given: no symbol is defined).\n"
      "  --config FILE          condition symbols, one per line\n"
      "  -D, --define SYMBOL    define one condition symbol\n"
      "  --all-conditions       take every 'if' as true\n"
      "  -u, --unmask-non-abi-names  real type names instead of numbers\n"
      "  --key-order=sorted     sort object keys (default)\n"
      "  --key-order=qemu       QEMU's wire order, to compare with a dump\n"
      "  -o, --output FILE      write FILE atomically instead of stdout\n" },
    { "query", qc_cmd_query, "ask schema questions like libvirt does",
      "usage: qapic query [--format=text|json] SOURCE PATH...\n"
      "\n"
      "SOURCE is a source schema (.json, every 'if' taken as true), a\n"
      "capability dump (.replies) or introspection JSON (a '[' array).\n"
      "Prints PATH<TAB>true|false for each PATH, e.g.\n"
      "  migrate-incoming/arg-type/exit-on-error\n"
      "Exit status 0 when all are true, 1 when any is false, 2 when a path\n"
      "or the source is malformed.\n" },
    { "replies", qc_cmd_replies, "check, fix and use capability dumps",
      "usage: qapic replies check [--format=text|json] [--allow-deprecated]\n"
      "                           [--allow-unstable] [--check-returns] FILE...\n"
      "       qapic replies fix [--check] FILE...\n"
      "       qapic replies validate [--allow-deprecated] [--allow-unstable]\n"
      "                              DUMP COMMAND-JSON...|-\n"
      "       qapic replies schema FILE\n"
      "\n"
      "check     report layout, conversation, id numbering, schema and command\n"
      "          problems of each dump (--check-returns: validate replies too)\n"
      "fix       rewrite dumps canonically with libvirt's numbering, atomically\n"
      "          (--check: change nothing, exit 1 if a rewrite is needed)\n"
      "validate  check QMP commands (JSON objects, or - for a stream on stdin)\n"
      "          against the dump's schema\n"
      "schema    print the dump's query-qmp-schema reply\n" },
    { "compat", qc_cmd_compat, "check a client's QMP usage against QEMUs",
      "usage: qapic compat --rules FILE... [--format=text|json|markdown|tsv]\n"
      "                    [--version-of SOURCE=X.Y.Z]... SOURCE...\n"
      "       qapic compat --rules FILE... --calls LOG... [SOURCE...]\n"
      "\n"
      "Evaluates a client's rules (YAML, see rules/README.md) against each\n"
      "SOURCE: a capability dump (its version from query-version) or a source\n"
      "schema (give its version with --version-of, repeatable).  With --calls,\n"
      "checks recorded calls (a dump or a QMP log) against the rules' call\n"
      "constraints, and against each SOURCE's schema if any is given.\n"
      "  --allow-deprecated, --allow-unstable  accept such features in calls\n"
      "Exit status: 0 all good, 1 a rule fails inside its versions or a call\n"
      "breaks a rule, 2 a bad rule file, usage error or unreadable file.\n" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const qc_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

static void print_overview(void)
{
    printf("usage: qapic [--version] [--help] SUBCOMMAND [ARGS]\n"
           "\n"
           "qapic reads QAPI schemas (the language of QEMU's QMP protocol) and\n"
           "QMP capability dumps.  Subcommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        printf("  %-11s %s\n", commands[i].name, commands[i].summary);
    printf("\nRun 'qapic help SUBCOMMAND' for its options.\n"
           "Exit status: 0 ok, 1 problems found in the input, 2 usage or I/O error.\n");
}

void qc_cli_print_help(const char *name)
{
    const qc_command *c = find_command(name);
    if (!c) {
        print_overview();
        return;
    }
    printf("%s\n%s", c->usage, common_options);
}

int main(int argc, char **argv)
{
    qc_cli cli = { "qapic", qc_diag_new(), QC_OPTIONS_DEFAULT };
    qc_diag_set_max_errors(cli.diag, 20);
    int rc;

    if (argc < 2) {
        print_overview();
        rc = QC_EXIT_USAGE;
    } else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        print_overview();
        rc = QC_EXIT_OK;
    } else if (!strcmp(argv[1], "--version")) {
        printf("qapic %s\n", QC_VERSION);
        rc = QC_EXIT_OK;
    } else if (!strcmp(argv[1], "help")) {
        if (argc > 2 && !find_command(argv[2])) {
            rc = qc_cli_usage_error(&cli, NULL, "no subcommand '%s'", argv[2]);
        } else {
            qc_cli_print_help(argc > 2 ? argv[2] : "");
            rc = QC_EXIT_OK;
        }
    } else {
        const qc_command *c = find_command(argv[1]);
        if (!c) {
            qc_error(cli.diag, (qc_loc){ 0 }, "usage",
                     "'%s' is not a subcommand; run 'qapic --help'", argv[1]);
            rc = QC_EXIT_USAGE;
        } else {
            rc = c->run(&cli, argc - 1, argv + 1);
        }
    }
    qc_diag_flush(cli.diag, stderr);
    qc_diag_free(cli.diag);
    if (fflush(stdout) != 0 && rc == QC_EXIT_OK)
        rc = QC_EXIT_USAGE;
    return rc;
}
