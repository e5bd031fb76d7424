/*
 * What warden-helper (static executable) and warden-zygote.so (the zygote's native core) both
 * need: writing a whole buffer, and giving up every capability. Each caller reports failures
 * its own way (the helper dies with a message; the zygote writes to the job's stderr).
 */
#ifndef WARDEN_NATIVE_H
#define WARDEN_NATIVE_H

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
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
