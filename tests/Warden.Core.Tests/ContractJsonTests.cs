using System.Text.Json;
using Warden.Execution;
using Warden.Json;

namespace Warden.Core.Tests;

public sealed class ContractJsonTests
{
    [Fact]
    public void Result_SerializesInTheDesignShape()
    {
        var json = JsonSerializer.Serialize(new RunResult { Language = "python", Reason = RunReason.OutputLimit, ExitCode = null, Signal = "SIGKILL", Stdout = "1\n" }, WardenJson.Options);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("output-limit", root.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("exitCode").ValueKind);
        foreach (var name in new[] { "language", "reason", "exitCode", "signal", "stdout", "stderr", "stdoutTruncated", "stderrTruncated", "wallMs", "cpuMs", "peakMemoryBytes", "compile", "files" })
            Assert.True(root.TryGetProperty(name, out _), name);
        Assert.False(root.TryGetProperty("diagnostic", out _)); // host detail never leaves the host
    }

    [Fact]
    public void Result_AlwaysCarriesLimitsReachedAndLanguageSource()
    {
        var json = JsonSerializer.Serialize(new RunResult { Language = "python", Reason = RunReason.Exited, ExitCode = 0 }, WardenJson.Options);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("limitsReached").ValueKind);
        Assert.Equal(0, doc.RootElement.GetProperty("limitsReached").GetArrayLength());
        Assert.Equal("request", doc.RootElement.GetProperty("languageSource").GetString());
        var hit = JsonSerializer.Serialize(new RunResult { Language = "bash", Reason = RunReason.Exited, LimitsReached = ["pids", "cpu-throttled"] }, WardenJson.Options);
        Assert.Contains("\"limitsReached\":[\"pids\",\"cpu-throttled\"]", hit);
    }

    [Theory]
    [InlineData("exited", RunReason.Exited)]
    [InlineData("compile-error", RunReason.CompileError)]
    [InlineData("sandbox-error", RunReason.SandboxError)]
    public void Reason_RoundTripsKebabCase(string text, RunReason reason)
    {
        Assert.Equal($"\"{text}\"", JsonSerializer.Serialize(reason, WardenJson.Options));
        Assert.Equal(reason, JsonSerializer.Deserialize<RunReason>($"\"{text}\"", WardenJson.Options));
    }

    [Fact]
    public void Request_UnknownField_IsRejected() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RunRequest>("""{"language":"python","code":"1","memory":9}""", WardenJson.Options));

    [Fact]
    public void Request_ParsesLimitsAndFiles()
    {
        var r = JsonSerializer.Deserialize<RunRequest>("""{"language":"python","code":"1","limits":{"timeoutMs":500},"files":[{"path":"a.txt","content":"x"}]}""", WardenJson.Options)!;
        Assert.Equal(500, r.Limits!.TimeoutMs);
        Assert.Equal("a.txt", r.Files![0].Path);
    }

    [Fact]
    public void Events_CarryATypeDiscriminator()
    {
        var json = JsonSerializer.Serialize<RunEvent>(new RunOutput("run", "stdout", "hi"), WardenJson.Options);
        Assert.Contains("\"type\":\"output\"", json);
    }
}
