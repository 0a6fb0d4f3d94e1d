/* Times commands precisely, for bench/run.sh (not a test):
 *
 *     timeit [-n RUNS] [-w WARMUP] CMD ARGS... [::: CMD ARGS...]...
 *
 * Runs each command RUNS times after WARMUP untimed runs, taking turns:
 * every round runs each command once, starting one further along the list
 * each round, so that commands compared with each other share the same
 * moments of a busy machine.  Each run is timed from just before fork to
 * just after its wait (CLOCK_MONOTONIC): what a shell loop around `date`
 * adds, two more processes a run, is not counted.  The commands' input is
 * /dev/null and their output discarded.
 *
 * Prints one line per command, in the order given:
 *
 *     MEDIAN_MS MIN_MS STATUS CPU_MEDIAN_MS
 *
 * STATUS is the exit status of the command's first run (128 + N when a
 * signal N ended it).  CPU_MEDIAN_MS is the median of the processor time
 * (user and system) the command and its children used: on a loaded
 * machine it grows less than the wall time, which waits for turns.  Exits 0 when every run could be started, 2 on a
 * usage error or when a command cannot be run at all. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char **argv;        /* NULL-terminated, inside the program's argv */
    double *ms;         /* RUNS wall times */
    double *cpu_ms;     /* RUNS processor times */
    int status;         /* of the first run, -1 before it */
} command;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double tv_ms(struct timeval t)
{
    return t.tv_sec * 1e3 + t.tv_usec / 1e3;
}

/* Runs ARGV once; returns its wait status as an exit code, or -1 when it
 * could not be started (the child reports 127 for a failed exec). */
static int run_once(char **argv, double *elapsed, double *cpu)
{
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        perror("timeit: fork");
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int ws;
    struct rusage ru;
    while (wait4(pid, &ws, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("timeit: waitpid");
            return -1;
        }
    }
    *elapsed = now_ms() - t0;
    *cpu = tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
    if (WIFSIGNALED(ws))
        return 128 + WTERMSIG(ws);
    return WEXITSTATUS(ws);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int usage(void)
{
    fprintf(stderr, "usage: timeit [-n RUNS] [-w WARMUP] CMD ARGS... [::: CMD ARGS...]...\n");
    return 2;
}

/* Splits ARGV at each ":::" into COMMANDS; returns their number. */
static int split_commands(char **argv, int argc, command *commands)
{
    int n = 0;
    int start = 0;
    for (int i = 0; i <= argc; i++) {
        if (i < argc && strcmp(argv[i], ":::"))
            continue;
        if (i == start)
            return -1;              /* an empty command */
        argv[i] = NULL;             /* argv[argc] is NULL already */
        commands[n].argv = argv + start;
        commands[n].status = -1;
        n++;
        start = i + 1;
    }
    return n;
}

int main(int argc, char **argv)
{
    int runs = 10, warmup = 1, opt;
    while ((opt = getopt(argc, argv, "+n:w:")) != -1) {
        if (opt == 'n')
            runs = atoi(optarg);
        else if (opt == 'w')
            warmup = atoi(optarg);
        else
            return usage();
    }
    if (runs < 1 || warmup < 0 || optind >= argc)
        return usage();
    command *commands = calloc(argc - optind, sizeof *commands);
    int ncommands = commands ? split_commands(argv + optind, argc - optind, commands) : -1;
    if (ncommands < 1)
        return usage();
    for (int c = 0; c < ncommands; c++) {
        commands[c].ms = calloc(runs, sizeof(double));
        commands[c].cpu_ms = calloc(runs, sizeof(double));
        if (!commands[c].ms || !commands[c].cpu_ms) {
            perror("timeit");
            return 2;
        }
    }
    for (int round = -warmup; round < runs; round++) {
        for (int k = 0; k < ncommands; k++) {
            command *c = &commands[((round + warmup) + k) % ncommands];
            double ms, cpu;
            int status = run_once(c->argv, &ms, &cpu);
            if (status < 0)
                return 2;
            if (c->status < 0)
                c->status = status;
            if (round >= 0) {
                c->ms[round] = ms;
                c->cpu_ms[round] = cpu;
            }
        }
    }
    for (int c = 0; c < ncommands; c++) {
        if (commands[c].status == 127) {
            fprintf(stderr, "timeit: cannot run %s\n", commands[c].argv[0]);
            return 2;
        }
        double min = commands[c].ms[0];
        for (int r = 1; r < runs; r++)
            if (commands[c].ms[r] < min)
                min = commands[c].ms[r];
        printf("%.2f %.2f %d %.2f\n", median(commands[c].ms, runs), min,
               commands[c].status, median(commands[c].cpu_ms, runs));
    }
    return 0;
}
