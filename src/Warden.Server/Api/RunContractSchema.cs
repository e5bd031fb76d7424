using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Warden.Execution;
using Warden.Languages;
using Warden.Sandbox;

namespace Warden.Server.Api;

/// <summary>
/// What the generated schemas of the run contract cannot say by themselves: that
/// <c>language</c> may be absent or <c>auto</c>, and the values of <c>languageSource</c> and
/// <c>limitsReached</c> with their meaning.
/// </summary>
internal static class RunContractSchema
{
    public const string LanguageDescription =
        "Language id or alias (see GET /v1/languages). Absent or \"auto\": detected from the code's shebang line, then the entry's file name, " +
        "then its content; when detection is not confident the request is refused with 422 language-ambiguous, whose message lists the candidates.";

    public const string LanguageSourceDescription =
        "How language was chosen: request (named by the caller), shebang (the code's #! line), filename (the entry's extension), content (the content classifier).";

    public const string LimitsReachedDescription =
        "Every limit the program reached during the run, whatever reason says (a program can hit a limit, recover and exit 0); empty when none. " +
        "timeout: the wall-clock timeout, or SIGXCPU at the CPU-seconds limit. memory: the sandbox's cgroup counted an OOM kill (v2 memory.events oom_kill, v1 memory.oom_control oom_kill). " +
        "pids: the cgroup refused a fork at the task limit (pids.events max, v1 and v2). output: stdout or stderr went past outputBytes. " +
        "disk: a writable tmpfs (/workspace, /tmp, /dev/shm) had less than 64 KiB left when the program ended, or a write past the file-size limit got SIGXFSZ. " +
        "cpu-throttled: the kernel held the cgroup back at its CPU quota at least once (cpu.stat nr_throttled, v1 and v2).";

    public static void Configure(OpenApiOptions o) => o.AddSchemaTransformer((schema, context, _) =>
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(RunRequest) && Property(schema, "language") is { } language)
            language.Description = LanguageDescription;
        if (type == typeof(RunResult))
        {
            if (Property(schema, "languageSource") is { } source)
            {
                source.Description = LanguageSourceDescription;
                source.Enum = [.. new[] { LanguageSources.Request, LanguageSources.Shebang, LanguageSources.Filename, LanguageSources.Content }.Select(v => (JsonNode)JsonValue.Create(v))];
            }
            if (Property(schema, "limitsReached") is { } limits)
            {
                limits.Description = LimitsReachedDescription;
                if (limits.Items is OpenApiSchema item) item.Enum = [.. LimitNames.All.Select(v => (JsonNode)JsonValue.Create(v))];
            }
        }
        return Task.CompletedTask;
    });

    private static OpenApiSchema? Property(OpenApiSchema schema, string name) =>
        schema.Properties is { } p && p.TryGetValue(name, out var s) ? s as OpenApiSchema : null;
}
