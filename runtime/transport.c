/* Sockets: connect with timeout and retry, non-blocking send and receive,
 * SCM_RIGHTS.
 *
 * Every socket is non-blocking and close-on-exec.  Writes use
 * MSG_NOSIGNAL, so a peer that went away gives EPIPE, never SIGPIPE: the
 * runtime touches no signal disposition of the program. */
#include "internal/client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* How long to wait between attempts while the socket does not exist yet:
 * QEMU creates it some 20 ms after exec. */
#define RETRY_MS 5
/* File descriptors taken from one received message at most. */
#define MAX_RECV_FDS 32

int64_t qapic__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int qapic__ms_left(int64_t deadline)
{
    if (deadline < 0)
        return -1;
    int64_t left = deadline - qapic__now_ms();
    if (left <= 0)
        return 0;
    return left > 1000000000 ? 1000000000 : (int)left;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int connect_error(int errnum, const char *what, const char *target,
                         qapic_error **err)
{
    char *op = qapic_rt_printf("%s %s", what, target);
    qapic_error *e = qapic__error_transport(errnum, op ? op : what);
    free(op);
    return qapic__error_give(err, e);
}

static bool retryable(int errnum)
{
    /* Not there yet, not listening yet, or its backlog is full. */
    return errnum == ENOENT || errnum == ECONNREFUSED || errnum == EAGAIN;
}

int qapic__connect_unix(const char *path, int64_t deadline_ms,
                        qapic_error **err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof sa.sun_path)
        return qapic__error_give(err, qapic__error_new(
            QAPIC_ERROR_INVALID, "the UNIX socket path '%s' has %zu bytes; "
            "it must have 1 to %zu", path, len, sizeof sa.sun_path - 1));
    memcpy(sa.sun_path, path, len + 1);
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                        0);
        if (fd < 0)
            return connect_error(errno, "socket for", path, err);
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
            return fd;
        int e = errno;
        close(fd);
        if (!retryable(e) || qapic__ms_left(deadline_ms) == 0)
            return connect_error(e, "connect to", path, err);
        int left = qapic__ms_left(deadline_ms);
        sleep_ms(left < 0 || left > RETRY_MS ? RETRY_MS : left);
    }
}

/* One non-blocking connect to AI, waiting until DEADLINE; the fd, or -1
 * with errno. */
static int connect_addr(const struct addrinfo *ai, int64_t deadline)
{
    int fd = socket(ai->ai_family,
                    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    ai->ai_protocol);
    if (fd < 0)
        return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno == EINPROGRESS) {
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };
        int r;
        while ((r = poll(&pfd, 1, qapic__ms_left(deadline))) < 0
               && errno == EINTR)
            ;
        int soerr = ETIMEDOUT;
        socklen_t sl = sizeof soerr;
        if (r > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
            soerr = errno;
        if (r > 0 && soerr == 0)
            return fd;
        errno = soerr;
    }
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

int qapic__connect_tcp(const char *host, const char *port,
                       int64_t deadline_ms, qapic_error **err)
{
    char *target = qapic_rt_printf("%s:%s", host, port);
    const char *t = target ? target : host;
    struct addrinfo hints = { .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        qapic_error *e = qapic__error_new(QAPIC_ERROR_TRANSPORT,
                                          "resolve %s: %s", t,
                                          gai_strerror(rc));
        if (e)
            e->op = qapic_rt_printf("resolve %s", t);
        free(target);
        return qapic__error_give(err, e);
    }
    int fd = -1, last = 0;
    for (;;) {
        bool retry = false;
        for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
            fd = connect_addr(ai, deadline_ms);
            if (fd < 0) {
                last = errno;
                retry |= retryable(last);
            }
        }
        if (fd >= 0 || !retry || qapic__ms_left(deadline_ms) == 0)
            break;
        int left = qapic__ms_left(deadline_ms);
        sleep_ms(left < 0 || left > RETRY_MS ? RETRY_MS : left);
    }
    freeaddrinfo(res);
    if (fd < 0)
        connect_error(last, "connect to", t, err);
    free(target);
    return fd;
}

int qapic__prepare_fd(int fd, bool *is_unix, qapic_error **err)
{
    int type = 0;
    socklen_t tl = sizeof type;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0
        || getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
        return qapic__error_give(err, qapic__error_transport(
            errno, "use the given file descriptor"));
    if (type != SOCK_STREAM)
        return qapic__error_give(err, qapic__error_transport(
            EPROTOTYPE, "use the given file descriptor (not a stream "
            "socket)"));
    if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0
        || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
        return qapic__error_give(err, qapic__error_transport(
            errno, "use the given file descriptor"));
    *is_unix = ss.ss_family == AF_UNIX;
    return 0;
}

long qapic__send(int fd, const char *buf, size_t len, const int *fds,
                 size_t nfds)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    char *control = NULL;
    if (nfds) {
        size_t space = CMSG_SPACE(nfds * sizeof(int));
        control = calloc(1, space);
        if (!control) {
            errno = ENOMEM;
            return -1;
        }
        msg.msg_control = control;
        msg.msg_controllen = space;
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
    }
    ssize_t n;
    while ((n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT)) < 0
           && errno == EINTR)
        ;
    int e = errno;
    free(control);
    if (n < 0 && (e == EAGAIN || e == EWOULDBLOCK))
        return 0;
    errno = e;
    return n;
}

/* Takes the fds of every SCM_RIGHTS message in MSG. */
static void take_fds(struct msghdr *msg, int **fds, size_t *nfds)
{
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm;
         cm = CMSG_NXTHDR(msg, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        const unsigned char *data = CMSG_DATA(cm);
        int *grown = fds ? realloc(*fds, (*nfds + n) * sizeof(int)) : NULL;
        for (size_t i = 0; i < n; i++) {
            int one;
            memcpy(&one, data + i * sizeof(int), sizeof one);
            if (grown)
                grown[(*nfds)++] = one;
            else
                close(one);
        }
        if (grown)
            *fds = grown;
    }
}

long qapic__recv(int fd, char *buf, size_t len, int **fds, size_t *nfds)
{
    union {
        char buf[CMSG_SPACE(MAX_RECV_FDS * sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control.buf,
                          .msg_controllen = sizeof control.buf };
    ssize_t n;
    while ((n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) < 0
           && errno == EINTR)
        ;
    if (n < 0)
        return -1;
    if (msg.msg_controllen)
        take_fds(&msg, fds, nfds);
    return n;
}
