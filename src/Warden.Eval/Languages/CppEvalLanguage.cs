using Warden.Execution;
using Warden.Policy;

namespace Warden.Eval.Languages;

/// <summary>
/// C++ problems that carry their own test program (HumanEval-X style: the test has a
/// <c>main</c> full of asserts). The program is prompt + completion + test, compiled and run
/// in separate sandboxes. The test's <c>main</c> is renamed and called from ours, which reads
/// the nonce before any static initializer of the sample's and writes it only when the test
/// returned 0, so an <c>exit(0)</c> inside the candidate does not pass.
/// </summary>
internal sealed class CppEvalLanguage : IEvalLanguage
{
    // Before the prompt: includes and helpers bound to libc before any name the sample declares.
    private const string Prologue = $$"""
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
            static const char marker[] = "\n{{RunJudge.PassMarker}} ";
            write(1, marker, sizeof marker - 1);
            write(1, warden_eval_nonce, warden_eval_nonce_length);
            write(1, "\n", 1);
            _exit(0);
        }
        template <class F> static int warden_eval_call(F f) {
            if constexpr (requires { f(); }) return f();
            else return f(1, (char**)nullptr);
        }

        """;

    public RunRequest Build(Problem problem, string completion, string nonce, LimitsRequest limits)
    {
        var renamed = CppTestMain.Rename(problem.Test);
        var code = renamed is null
            // No main we can wrap: judged by its exit code alone (documented as weaker).
            ? problem.Prompt + completion + "\n" + problem.Test
            : Prologue + "#line 1 \"solution.cpp\"\n" + problem.Prompt + completion +
              "\n#line 1 \"test.cpp\"\n" + renamed +
              $"\nint main() {{ return warden_eval_finish(warden_eval_call({CppTestMain.RenamedMain})); }}\n";
        return new RunRequest
        {
            Language = "cpp",
            Code = code,
            Stdin = renamed is null ? null : nonce + "\n",
            Limits = limits,
        };
    }

    public Judgement Judge(Problem problem, RunResult result, string nonce) =>
        // Without a main to wrap, the exit code is all there is (documented as weaker).
        RunJudge.Judge(result, CppTestMain.Rename(problem.Test) is null || RunJudge.HasMarkerLine(result.Stdout, RunJudge.PassMarker, nonce));
}
