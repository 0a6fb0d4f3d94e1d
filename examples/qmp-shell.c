/* qmp-shell: executes QMP commands by name, typed, through the generic
 * descriptors of generated bindings.
 *
 *   qmp-shell [OPTIONS] QMP-SOCKET [COMMAND [ARGUMENTS]]
 *
 * With a COMMAND, executes it and prints its return value as JSON.
 * Without, reads lines `COMMAND [ARGUMENTS]` from standard input (a
 * prompt when it is a terminal) and prints each return value, and the
 * events QEMU emits as they come; `help` lists the commands, `help
 * COMMAND` describes one.  ARGUMENTS is a JSON object.
 *
 * Each command goes the typed way: its descriptor is looked up by name
 * (qmp_command()), the arguments are decoded into the command's argument
 * type, then qapic_client_call_opts() encodes them strictly, applies the
 * deprecated/unstable policy, checks them against the connected QEMU's
 * schema and sends them; the reply is decoded into the return type and
 * encoded again as the JSON printed.  Lenient decoding keeps what the
 * bindings do not know, so a newer QEMU's members pass through (and the
 * schema check still refuses what this QEMU does not know, typos
 * included); --strict refuses them instead.  A command the bindings lack
 * altogether is checked against the QEMU's schema and sent untyped.
 *
 * Exit status: 0 when every command succeeded, 1 when one failed, 2 for a
 * usage error or a QEMU that could not be reached.  Written only against
 * the bindings (qmp.h) and libqapic-runtime. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "qmp.h"

#define PROGRAM "qmp-shell"

typedef struct shell {
    qapic_client *c;
    unsigned flags;             /* QAPIC_DECODE_STRICT with --strict */
    bool interactive;           /* stdin is a terminal */
    bool quitting;              /* 'quit' succeeded: the end is expected */
} shell;

static void warn_cb(void *opaque, const char *message)
{
    (void)opaque;
    fprintf(stderr, PROGRAM ": warning: %s\n", message);
}

static void print_error(const char *command, qapic_error *err)
{
    if (!err) {
        fprintf(stderr, "%s: failed\n", command);
        return;
    }
    fprintf(stderr, "%s: %s error: %s\n", command,
            qapic_error_kind_name(err->kind), err->message);
    qapic_error_free(err);
}

static void print_json(struct json_object *j)
{
    puts(json_object_to_json_string_ext(
        j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
               | JSON_C_TO_STRING_NOSLASHESCAPE));
    fflush(stdout);
}

static void on_event(qapic_client *c, const qapic_event_msg *ev,
                     void *opaque)
{
    (void)c;
    (void)opaque;
    printf("event %s %s\n", ev->name, ev->data
           ? json_object_to_json_string_ext(ev->data, JSON_C_TO_STRING_PLAIN)
           : "{}");
    fflush(stdout);
}

/* ---- help ------------------------------------------------------------------ */

static const char *yes_no(qapic_client *c, const char *query)
{
    int r = qapic_client_supports(c, query, NULL);
    return r == 1 ? "" : r == 0 ? "  (not in this QEMU)" : "";
}

static const char *features(uint32_t flags)
{
    if ((flags & QAPIC_FEATURE_DEPRECATED) && (flags & QAPIC_FEATURE_UNSTABLE))
        return " [deprecated, unstable]";
    if (flags & QAPIC_FEATURE_DEPRECATED)
        return " [deprecated]";
    return flags & QAPIC_FEATURE_UNSTABLE ? " [unstable]" : "";
}

/* TEXT with every line indented by INDENT. */
static void print_indented(const char *indent, const char *text)
{
    while (*text) {
        size_t n = strcspn(text, "\n");
        printf("%s%.*s\n", indent, (int)n, text);
        text += n + (text[n] == '\n');
    }
}

static void help_list(shell *sh)
{
    for (size_t i = 0; i < qmp_schema.ncommands; i++) {
        const qapic_command *cmd = qmp_schema.commands[i];
        printf("%s%s%s\n", cmd->name, features(cmd->flags),
               yes_no(sh->c, cmd->name));
    }
    printf("%zu commands; 'help COMMAND' describes one\n",
           qmp_schema.ncommands);
}

static void help_command(shell *sh, const char *name)
{
    const qapic_command *cmd = qmp_command(name);
    if (!cmd) {
        printf("%s: not in these bindings%s\n", name, yes_no(sh->c, name));
        return;
    }
    printf("%s%s%s\n", cmd->name, features(cmd->flags),
           yes_no(sh->c, cmd->name));
    if (cmd->doc)
        printf("\n%s\n", cmd->doc);
    const qapic_type *t = cmd->arg_type;
    if (t && t->u.object.n)
        printf("\narguments (%s):\n", t->name);
    for (size_t i = 0; t && i < t->u.object.n; i++) {
        const qapic_member *m = &t->u.object.members[i];
        char query[512];
        snprintf(query, sizeof query, "%s/arg-type/%s", cmd->name, m->name);
        printf("  %s%s: %s%s%s\n", m->flags & QAPIC_MEMBER_OPTIONAL ? "*" : "",
               m->name, m->type->name, features(m->flags),
               yes_no(sh->c, query));
        if (m->doc)
            print_indented("      ", m->doc);
    }
    if (cmd->ret_type)
        printf("\nreturns %s\n", cmd->ret_type->name);
}

/* ---- executing a command ------------------------------------------------------- */

/* Parses ARGS (JSON text, or empty for none) into *OUT; 0 or -1. */
static int parse_args(const char *command, const char *args,
                      struct json_object **out)
{
    *out = NULL;
    if (!*args)
        return 0;
    qapic_error *err = NULL;
    if (qapic_json_parse(args, strlen(args), out, &err) < 0) {
        print_error(command, err);
        return -1;
    }
    if (!json_object_is_type(*out, json_type_object)) {
        fprintf(stderr, "%s: the arguments must be a JSON object\n",
                command);
        json_object_put(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* A command the bindings do not know, checked and sent untyped. */
static int run_untyped(shell *sh, const char *name, struct json_object *args)
{
    qapic_error *err = NULL;
    fprintf(stderr, PROGRAM ": '%s' is not in the bindings: sent untyped\n",
            name);
    if (qapic_client_check_call(sh->c, name, args, &err) < 0) {
        print_error(name, err);
        return -1;
    }
    struct json_object *ret = qapic_client_execute(sh->c, name, args, 0, &err);
    if (!ret) {
        print_error(name, err);
        return -1;
    }
    print_json(ret);
    json_object_put(ret);
    return 0;
}

/* Prints RET, a box of type T (NULL T: the command returns nothing). */
static int print_return(const char *name, const qapic_type *t, void *ret)
{
    if (!t) {
        puts("{}");
        return 0;
    }
    qapic_error *err = NULL;
    struct json_object *j = qapic_encode(t, ret, "return", &err);
    if (!j && err) {
        print_error(name, err);
        return -1;
    }
    print_json(j);   /* NULL prints null */
    json_object_put(j);
    return 0;
}

static int run_typed(shell *sh, const qapic_command *cmd,
                     struct json_object *args)
{
    qapic_error *err = NULL;
    void *box = NULL;
    if (cmd->arg_type) {
        struct json_object *none = args ? NULL : json_object_new_object();
        box = qapic_decode(cmd->arg_type, args ? args : none, sh->flags,
                           "arguments", &err);
        json_object_put(none);
        if (!box) {
            print_error(cmd->name, err);
            return -1;
        }
    } else if (args && json_object_object_length(args)) {
        fprintf(stderr, "%s: takes no arguments\n", cmd->name);
        return -1;
    }
    qapic_call_opts o = { .decode_flags = sh->flags };
    void *ret = NULL;
    int rc = qapic_client_call_opts(sh->c, cmd, box, &o, &ret, &err);
    if (rc < 0)
        print_error(cmd->name, err);
    else
        rc = print_return(cmd->name, cmd->ret_type, ret);
    if (ret)
        qapic_free(cmd->ret_type, ret);
    if (box)
        qapic_free(cmd->arg_type, box);
    if (rc == 0 && !strcmp(cmd->name, "quit"))
        sh->quitting = true;
    return rc;
}

/* Runs one input line "COMMAND [ARGUMENTS]"; 0 or -1. */
static int run_line(shell *sh, char *line)
{
    line[strcspn(line, "\r\n")] = '\0';
    char *name = line + strspn(line, " \t");
    if (!*name || *name == '#')
        return 0;
    char *rest = name + strcspn(name, " \t");
    if (*rest)
        *rest++ = '\0';
    rest += strspn(rest, " \t");
    if (!strcmp(name, "help")) {
        if (*rest)
            help_command(sh, rest);
        else
            help_list(sh);
        return 0;
    }
    struct json_object *args;
    if (parse_args(name, rest, &args) < 0)
        return -1;
    const qapic_command *cmd = qmp_command(name);
    int rc = cmd ? run_typed(sh, cmd, args) : run_untyped(sh, name, args);
    json_object_put(args);
    return rc;
}

/* Reads and runs lines until the end of input or of the connection,
 * printing events as they come.  Returns the exit status. */
static int repl(shell *sh)
{
    int status = 0;
    char *line = NULL;
    size_t cap = 0;
    qapic_client_on_event(sh->c, NULL, on_event, sh, NULL);
    for (bool prompt = true;;) {
        if (prompt && sh->interactive) {
            fputs("(qmp) ", stdout);
            fflush(stdout);
        }
        prompt = false;
        struct pollfd pfd[2] = {
            { .fd = 0, .events = POLLIN },
            { .fd = qapic_client_fd(sh->c), .events = POLLIN },
        };
        if (poll(pfd, 2, -1) < 0 && errno != EINTR)
            break;
        if (pfd[1].revents) {
            qapic_error *err = NULL;
            if (qapic_client_process(sh->c, &err) < 0) {
                if (!sh->quitting) {
                    print_error("connection", err);
                    status = 1;
                } else {
                    qapic_error_free(err);
                }
                break;
            }
        }
        if (!pfd[0].revents)
            continue;
        if (getline(&line, &cap, stdin) < 0)
            break;
        if (run_line(sh, line) < 0)
            status = 1;
        prompt = true;
    }
    free(line);
    return status;
}

/* ---- the command line ---------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: " PROGRAM " [--strict] [--no-check] [--deprecated=POLICY]\n"
        "                 [--unstable=POLICY] QMP-SOCKET "
        "[COMMAND [ARGUMENTS]]\n"
        "Executes COMMAND (or each line 'COMMAND [ARGUMENTS]' of standard\n"
        "input) on the QEMU behind QMP-SOCKET and prints the return value\n"
        "as JSON; ARGUMENTS is a JSON object.  'help [COMMAND]' lists or\n"
        "describes the commands.\n"
        "  --strict          refuse members and values the bindings do "
        "not know\n"
        "  --no-check        do not check calls against the QEMU's schema\n"
        "  --deprecated, --unstable  allow, warn or reject such use "
        "(default allow)\n"
        "Exit status: 0 every command succeeded, 1 one failed, 2 usage or\n"
        "connection error.\n");
}

static int policy(const char *arg, qapic_policy *p)
{
    if (!strcmp(arg, "allow"))
        *p = QAPIC_POLICY_ALLOW;
    else if (!strcmp(arg, "warn"))
        *p = QAPIC_POLICY_WARN;
    else if (!strcmp(arg, "reject"))
        *p = QAPIC_POLICY_REJECT;
    else {
        fprintf(stderr, PROGRAM ": a policy is allow, warn or reject, not "
                "'%s'\n", arg);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        { "strict", no_argument, NULL, 's' },
        { "no-check", no_argument, NULL, 'n' },
        { "deprecated", required_argument, NULL, 'd' },
        { "unstable", required_argument, NULL, 'u' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    shell sh = { 0 };
    qapic_client_options o;
    qapic_client_options_init(&o);
    o.warn = warn_cb;
    int opt;
    while ((opt = getopt_long(argc, argv, "+h", longs, NULL)) != -1) {
        switch (opt) {
        case 's': sh.flags = QAPIC_DECODE_STRICT; break;
        case 'n': o.check_schema = false; break;
        case 'd': if (policy(optarg, &o.deprecated) < 0) return 2; break;
        case 'u': if (policy(optarg, &o.unstable) < 0) return 2; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc || argc - optind > 3) {
        usage(stderr);
        return 2;
    }
    qapic_error *err = NULL;
    sh.c = qapic_client_new(&o, &err);
    if (!sh.c || qapic_client_connect_unix(sh.c, argv[optind], &err) < 0) {
        print_error(argv[optind], err);
        qapic_client_free(sh.c);
        return 2;
    }
    int status;
    if (argc - optind >= 2) {
        const char *args = argc - optind == 3 ? argv[optind + 2] : "";
        size_t n = strlen(argv[optind + 1]) + strlen(args) + 2;
        char *line = malloc(n);
        status = 1;
        if (line) {
            snprintf(line, n, "%s %s", argv[optind + 1], args);
            status = run_line(&sh, line) == 0 ? 0 : 1;
        }
        free(line);
    } else {
        sh.interactive = isatty(0);
        status = repl(&sh);
    }
    qapic_client_free(sh.c);
    return status;
}
