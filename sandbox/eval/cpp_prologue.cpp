// The C++ eval harness's prologue (see sandbox/PROTOCOLS.md, "Eval judges"): Warden puts it before
// the problem's prompt. It reads the nonce from stdin before any static initializer of the sample
// runs, then points stdin at /dev/null; warden_eval_finish prints the pass marker and the nonce only
// when the test's renamed main returned 0. Warden replaces @PASS_MARKER@ when it loads this file.
#include <fcntl.h>
#include <unistd.h>
static char warden_eval_nonce[128];
static int warden_eval_nonce_length;
__attribute__((constructor(101))) static void warden_eval_read_nonce() {
    int n = 0;
    while (n < 127) {
        ssize_t r = read(0, warden_eval_nonce + n, 127 - n);
        if (r <= 0) break;
        n += (int)r;
        if (warden_eval_nonce[n - 1] == '\n') break;
    }
    while (n > 0 && (warden_eval_nonce[n - 1] == '\n' || warden_eval_nonce[n - 1] == '\r')) n--;
    warden_eval_nonce_length = n;
    int fd = open("/dev/null", O_RDONLY);
    if (fd >= 0) { dup2(fd, 0); close(fd); } else { close(0); }
}
static int warden_eval_finish(int code) {
    if (code != 0) return code;
    static const char marker[] = "\n@PASS_MARKER@ ";
    write(1, marker, sizeof marker - 1);
    write(1, warden_eval_nonce, warden_eval_nonce_length);
    write(1, "\n", 1);
    _exit(0);
}
template <class F> static int warden_eval_call(F f) {
    if constexpr (requires { f(); }) return f();
    else return f(1, (char**)nullptr);
}

