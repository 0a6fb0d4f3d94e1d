/* A QEMU of the probe's own (qemu.h): fork and exec, stop and reap. */
#include "probe/qemu.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The monitor's fd number in QEMU, as its -chardev names it. */
#define QMP_FD 3
/* Descriptors of the parent that the child rearranges are moved above
 * this first, so that no dup2() of the child overwrites another. */
#define HIGH_FD 10
#define MAX_ARGS 32
#define MAX_INHERITED_FD 1024
#define STOP_GRACE_MS 1000

/* An unlinked temporary file for QEMU's output, or -1. */
static int open_log(void)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    int fd;
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
#endif
    char path[4096];
    snprintf(path, sizeof path, "%s/qapic-probe-XXXXXX", dir);
    fd = mkstemp(path);
    if (fd < 0)
        return -1;
    unlink(path);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

/* FD moved to a close-on-exec descriptor >= HIGH_FD (FD is closed). */
static int high(int fd)
{
    if (fd < 0 || fd >= HIGH_FD)
        return fd;
    int h = fcntl(fd, F_DUPFD_CLOEXEC, HIGH_FD);
    close(fd);
    return h;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* In the child: becomes QEMU or reports errno on ERRFD and exits.  Only
 * async-signal-safe calls from here on (the parent may be threaded in a
 * test). */
static void child(char *const *argv, int qmp, int log, int null, int errfd,
                  pid_t parent)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* The parent may have died before the line above: then nobody would
     * ever stop this QEMU. */
    if (getppid() != parent)
        _exit(127);
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0
        || dup2(qmp, QMP_FD) < 0)
        goto fail;
    /* Nothing else of ours: a pipe it kept open could keep a reader of
     * ours waiting for its end. */
    for (int fd = QMP_FD + 1; fd < MAX_INHERITED_FD; fd++)
        if (fd != errfd)
            close(fd);
    execvp(argv[0], argv);
fail:;
    int e = errno;
    ssize_t w = write(errfd, &e, sizeof e);
    (void)w;
    _exit(127);
}

static void build_argv(const char **argv, const qc_qemu_config *c)
{
    int n = 0;
    static const char *const fixed[] = {
        "-S", "-no-user-config", "-nodefaults", "-display", "none",
        "-chardev", "socket,id=qmp,fd=3", "-mon", "chardev=qmp,mode=control",
        NULL,
    };
    argv[n++] = c->binary;
    for (int i = 0; fixed[i]; i++)
        argv[n++] = fixed[i];
    argv[n++] = "-machine";
    argv[n++] = c->machine;
    for (int i = 0; c->accel && c->accel[i] && n < MAX_ARGS - 3; i++) {
        argv[n++] = "-accel";
        argv[n++] = c->accel[i];
    }
    argv[n] = NULL;
}

/* Forks and execs; fills Q->pid.  Returns 0, or the errno of the failure
 * (of the exec, as the child reported it). */
static int spawn(qc_qemu *q, const qc_qemu_config *c, int qmp, int null)
{
    const char *argv[MAX_ARGS];
    build_argv(argv, c);
    int ep[2];
    if (pipe(ep) < 0)
        return errno;
    ep[0] = high(ep[0]);
    ep[1] = high(ep[1]);
    if (ep[0] < 0 || ep[1] < 0 || fcntl(ep[0], F_SETFD, FD_CLOEXEC) < 0
        || fcntl(ep[1], F_SETFD, FD_CLOEXEC) < 0) {
        int e = errno;
        close_fd(&ep[0]);
        close_fd(&ep[1]);
        return e;
    }
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        child((char *const *)argv, qmp, q->log_fd, null, ep[1], parent);
    int err = pid < 0 ? errno : 0;
    close(ep[1]);
    if (pid > 0) {
        /* Also from here, so that the group exists before we signal it. */
        setpgid(pid, pid);
        q->pid = pid;
        int e = 0;
        ssize_t n;
        while ((n = read(ep[0], &e, sizeof e)) < 0 && errno == EINTR)
            ;
        if (n == (ssize_t)sizeof e)
            err = e ? e : ENOEXEC;
    }
    close(ep[0]);
    return err;
}

bool qc_qemu_start(qc_diag *d, qc_qemu *q, const qc_qemu_config *c)
{
    memset(q, 0, sizeof *q);
    q->binary = c->binary;
    q->qmp_fd = q->log_fd = -1;
    int sv[2] = { -1, -1 };
    int null = high(open("/dev/null", O_RDONLY | O_CLOEXEC));
    q->log_fd = high(open_log());
    if (null < 0 || q->log_fd < 0
        || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        qc_error(d, qc_loc_make(NULL, 0), "probe-qemu-start",
                 "cannot prepare to start %s: %s", c->binary,
                 strerror(errno));
        if (null >= 0)
            close(null);
        qc_qemu_stop(q);
        return false;
    }
    sv[0] = high(sv[0]);
    sv[1] = high(sv[1]);
    int err = spawn(q, c, sv[1], null);
    close(sv[1]);
    close(null);
    q->qmp_fd = sv[0];
    if (err) {
        qc_error(d, qc_loc_make(NULL, 0), "probe-qemu-start",
                 "cannot run %s: %s", c->binary, strerror(err));
        qc_qemu_stop(q);
        return false;
    }
    return true;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

bool qc_qemu_exited(qc_qemu *q, int wait_ms)
{
    if (q->exited || q->pid <= 0)
        return q->exited;
    for (int waited = 0;; waited += 5) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        int r = waitid(P_PID, (id_t)q->pid, &si,
                       WEXITED | WNOWAIT | (wait_ms < 0 ? 0 : WNOHANG));
        if (r == 0 && si.si_pid == q->pid) {
            q->exited = true;
            if (si.si_code == CLD_EXITED)
                q->code = si.si_status;
            else
                q->signal = si.si_status;
            return true;
        }
        if (r < 0 && errno == ECHILD) {
            q->exited = true;   /* not ours to wait for (cannot happen) */
            q->pid = 0;
            return true;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (wait_ms >= 0 && waited >= wait_ms)
            return false;
        sleep_ms(5);
    }
}

void qc_qemu_stop(qc_qemu *q)
{
    if (q->pid > 0) {
        if (!q->exited) {
            kill(-q->pid, SIGTERM);
            qc_qemu_exited(q, STOP_GRACE_MS);
        }
        /* Its pid is not reaped yet, so the group is still its own. */
        kill(-q->pid, SIGKILL);
        int st;
        while (waitpid(q->pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (!q->exited) {
            q->exited = true;
            q->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
            q->code = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
        }
        q->pid = 0;
    }
    close_fd(&q->qmp_fd);
    close_fd(&q->log_fd);
}

const char *qc_qemu_describe_end(qc_arena *a, const qc_qemu *q)
{
    if (q->signal)
        return qc_arena_printf(a, "was killed by signal %d (%s)", q->signal,
                               strsignal(q->signal));
    return qc_arena_printf(a, "exited with status %d", q->code);
}

const char *qc_qemu_output(qc_arena *a, const qc_qemu *q, size_t max)
{
    struct stat st;
    if (q->log_fd < 0 || fstat(q->log_fd, &st) < 0 || st.st_size <= 0)
        return "";
    size_t size = (size_t)st.st_size;
    size_t n = size < max ? size : max;
    char *buf = qc_arena_alloc(a, n + 1);
    ssize_t got = pread(q->log_fd, buf, n, (off_t)(size - n));
    if (got <= 0)
        return "";
    buf[got] = '\0';
    char *start = buf;
    if ((size_t)got < size) {
        /* Cut to whole lines. */
        char *nl = strchr(buf, '\n');
        if (nl)
            start = nl + 1;
    }
    size_t len = strlen(start);
    while (len && (start[len - 1] == '\n' || start[len - 1] == '\r'))
        start[--len] = '\0';
    return start;
}
