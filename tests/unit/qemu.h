/* Real QEMU processes for tests: started privately, never left running.
 *
 *     qc_qemu q;
 *     if (!qc_qemu_binary())
 *         QC_SKIP(QC_QEMU_MISSING);
 *     qc_qemu_start(&q, NULL);          (extra arguments: a NULL-ended list)
 *     ... qapic_client_connect_unix(c, q.qmp, &err) ...
 *     qc_qemu_stop(&q);
 *
 * Each QEMU gets a fresh short directory (/tmp/qapic-qemu-PID-XXXXXX: UNIX
 * socket paths must stay under 108 bytes, and QEMU unlinks whatever is at
 * its socket path) holding its QMP socket and its log (stdout and stderr);
 * it runs `-M none -nodefaults -display none -accel tcg` with stdin from
 * /dev/null.  No QEMU survives its test: each one is a process group of
 * its own with PR_SET_PDEATHSIG (it dies with the test process, however
 * that ends: a failed assertion ends a forked test with _exit), it is torn
 * down by PID (SIGTERM, then SIGKILL to its group) by qc_qemu_stop(), by
 * the checked teardown qc_qemu_stop_all() and at exit.  Directories are
 * named after the runner's PID, so that the unchecked teardown
 * qc_qemu_suite_teardown() (run by the runner itself) removes those a
 * dead test left.  The binary is $QAPIC_TEST_QEMU, else
 * qemu-system-x86_64 on PATH.
 *
 * Use both fixtures:
 *     tcase_add_checked_fixture(tc, NULL, qc_qemu_stop_all);
 *     tcase_add_unchecked_fixture(tc, qc_qemu_suite_setup,
 *                                 qc_qemu_suite_teardown); */
#ifndef QC_TEST_QEMU_H
#define QC_TEST_QEMU_H

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QC_QEMU_MISSING "no QEMU binary: install qemu-system-x86 or set " \
                        "QAPIC_TEST_QEMU"
#define QC_QEMU_MAX 8

typedef struct qc_qemu {
    pid_t pid;          /* 0 once reaped */
    int status;         /* its wait status, once reaped */
    char dir[64];
    char qmp[128];      /* DIR/qmp.sock */
    char log[128];      /* DIR/qemu.log */
} qc_qemu;

static qc_qemu *qc_qemu_running[QC_QEMU_MAX];
static pid_t qc_qemu_runner;

static void qc_qemu_suite_setup(void)
{
    qc_qemu_runner = getpid();
}

/* Removes what dead tests left: /tmp/qapic-qemu-RUNNER-*. */
static void qc_qemu_suite_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf /tmp/qapic-qemu-%ld-*",
             (long)qc_qemu_runner);
    if (system(cmd) != 0)
        fprintf(stderr, "qemu.h: could not run '%s'\n", cmd);
}

static const char *qc_qemu_binary(void)
{
    static char found[4096];
    const char *env = getenv("QAPIC_TEST_QEMU");
    if (env && *env)
        return access(env, X_OK) == 0 ? env : NULL;
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(found, sizeof found, "%.*s/qemu-system-x86_64", (int)n, p);
        if (n && access(found, X_OK) == 0)
            return found;
        p += n + (p[n] == ':');
    }
    return NULL;
}

/* Waits up to TIMEOUT_MS for Q to exit; its wait status, or -1. */
static int qc_qemu_wait(qc_qemu *q, int timeout_ms)
{
    for (int waited = 0; q->pid > 0; waited += 5) {
        pid_t r = waitpid(q->pid, &q->status, WNOHANG);
        if (r == q->pid || (r < 0 && errno == ECHILD)) {
            q->pid = 0;
            break;
        }
        if (waited >= timeout_ms)
            return -1;
        struct timespec ts = { 0, 5 * 1000000 };
        nanosleep(&ts, NULL);
    }
    return q->status;
}

static void qc_qemu_forget(qc_qemu *q)
{
    for (int i = 0; i < QC_QEMU_MAX; i++)
        if (qc_qemu_running[i] == q)
            qc_qemu_running[i] = NULL;
}

/* Ends Q if it still runs and removes its directory. */
static void qc_qemu_stop(qc_qemu *q)
{
    if (q->pid > 0) {
        kill(q->pid, SIGTERM);
        if (qc_qemu_wait(q, 2000) < 0) {
            kill(-q->pid, SIGKILL);
            kill(q->pid, SIGKILL);
            qc_qemu_wait(q, 5000);
        }
    }
    if (q->dir[0]) {
        char path[256];
        const char *files[] = { "qmp.sock", "qemu.log", "mig.sock",
                                "schema.json", NULL };
        for (int i = 0; files[i]; i++) {
            snprintf(path, sizeof path, "%s/%s", q->dir, files[i]);
            unlink(path);
        }
        rmdir(q->dir);
        q->dir[0] = '\0';
    }
    qc_qemu_forget(q);
}

static void qc_qemu_stop_all(void)
{
    for (int i = 0; i < QC_QEMU_MAX; i++)
        if (qc_qemu_running[i])
            qc_qemu_stop(qc_qemu_running[i]);
}

static void qc_qemu_child(const char *bin, const qc_qemu *q,
                          const char *const *extra, pid_t parent)
{
    char chardev[256];
    const char *argv[64];
    int n = 0;
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    int null = open("/dev/null", O_RDONLY);
    int log = open(q->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (null < 0 || log < 0)
        _exit(127);
    dup2(null, 0);
    dup2(log, 1);
    dup2(log, 2);
    snprintf(chardev, sizeof chardev,
             "socket,id=qmp0,path=%s,server=on,wait=off", q->qmp);
    const char *base[] = { bin, "-M", "none", "-nodefaults", "-display",
                           "none", "-accel", "tcg", "-chardev", chardev,
                           "-mon", "chardev=qmp0,mode=control", NULL };
    for (int i = 0; base[i]; i++)
        argv[n++] = base[i];
    for (int i = 0; extra && extra[i] && n < 63; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    execv(bin, (char *const *)argv);
    _exit(127);
}

/* Starts a QEMU with EXTRA arguments (NULL-ended, or NULL).  Connecting
 * to q->qmp right away is racy by nature: the client retries until the
 * socket exists. */
static void qc_qemu_start(qc_qemu *q, const char *const *extra)
{
    static bool registered;
    const char *bin = qc_qemu_binary();
    ck_assert_ptr_nonnull(bin);
    memset(q, 0, sizeof *q);
    snprintf(q->dir, sizeof q->dir, "/tmp/qapic-qemu-%ld-XXXXXX",
             (long)(qc_qemu_runner ? qc_qemu_runner : getpid()));
    ck_assert_ptr_nonnull(mkdtemp(q->dir));
    snprintf(q->qmp, sizeof q->qmp, "%s/qmp.sock", q->dir);
    snprintf(q->log, sizeof q->log, "%s/qemu.log", q->dir);
    if (!registered) {
        atexit(qc_qemu_stop_all);
        registered = true;
    }
    int slot = -1;
    for (int i = 0; i < QC_QEMU_MAX && slot < 0; i++)
        if (!qc_qemu_running[i])
            slot = i;
    ck_assert_int_ge(slot, 0);
    pid_t parent = getpid();
    fflush(NULL);
    q->pid = fork();
    ck_assert_int_ge(q->pid, 0);
    if (q->pid == 0)
        qc_qemu_child(bin, q, extra, parent);
    /* Also from the parent, so that kill(-pid) works at once. */
    setpgid(q->pid, q->pid);
    qc_qemu_running[slot] = q;
}

/* QEMU's log so far, for failure messages (static buffer). */
static const char *qc_qemu_log(const qc_qemu *q)
{
    static char buf[2048];
    FILE *f = fopen(q->log, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return buf;
}

#endif
