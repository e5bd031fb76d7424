/*
 * What warden-helper (static executable) and warden-zygote.so (the zygote's native core) both
 * need: writing a whole buffer, passing descriptors over a Unix socket, and giving up every
 * capability. Each caller reports failures
 * its own way (the helper dies with a message; the zygote writes to the job's stderr).
 */
#ifndef WARDEN_NATIVE_H
#define WARDEN_NATIVE_H

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

#define MAX_PASSED_FDS 32

/* Sends one message of `len` bytes with `nfds` descriptors (SCM_RIGHTS), retried on EINTR, no
 * SIGPIPE. Returns what sendmsg returns. */
static inline ssize_t send_with_fds(int sock, const void *buf, size_t len, const int *fds, int nfds)
{
    char cbuf[CMSG_SPACE(sizeof(int) * MAX_PASSED_FDS)];
    if (nfds < 0 || nfds > MAX_PASSED_FDS) { errno = EINVAL; return -1; }
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = { (void *)buf, len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (nfds > 0) {
        msg.msg_control = cbuf;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
    }
    ssize_t r;
    do r = sendmsg(sock, &msg, MSG_NOSIGNAL); while (r < 0 && errno == EINTR);
    return r;
}

/* Receives one message and the descriptors passed with it (at most `maxfds`, close-on-exec; any
 * beyond are closed), retried on EINTR. Returns what recvmsg returns; *nfds is how many arrived. */
static inline ssize_t recv_with_fds(int sock, void *buf, size_t len, int *fds, int maxfds, int *nfds)
{
    char cbuf[CMSG_SPACE(sizeof(int) * MAX_PASSED_FDS)];
    if (maxfds > MAX_PASSED_FDS) maxfds = MAX_PASSED_FDS;
    struct iovec iov = { buf, len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                          .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)maxfds) };
    ssize_t r;
    *nfds = 0;
    do r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); while (r < 0 && errno == EINTR);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); r >= 0 && c != NULL; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int got = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < got; i++) {
                int fd;
                memcpy(&fd, CMSG_DATA(c) + (size_t)i * sizeof(int), sizeof fd);
                if (*nfds < maxfds) fds[(*nfds)++] = fd;
                else close(fd);
            }
        }
    return r;
}

/* Drops every capability: ambient, bounding, then effective, permitted and inheritable.
 * Returns NULL, or the step that failed (errno tells why). */
static const char *drop_all_capabilities(void)
{
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) return "clear ambient capabilities";
    for (int cap = 0; cap < 64; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) return "drop bounding capability";
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &hdr, data) < 0) return "capset";
    return NULL;
}

#endif
