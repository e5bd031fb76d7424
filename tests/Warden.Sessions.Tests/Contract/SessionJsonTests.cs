using System.Text.Json;

namespace Warden.Sessions.Tests.Contract;

/// <summary>The session contract in JSON: camelCase, kebab-case enums, Jupyter's output types; what the HTTP face maps 1:1.</summary>
public sealed class SessionJsonTests
{
    private static JsonElement Json(string raw) => JsonDocument.Parse(raw).RootElement.Clone();

    [Fact]
    public void CellResult_RoundTrips_WithJupyterOutputTypes()
    {
        var result = new CellResult
        {
            ExecutionCount = 3,
            Status = CellStatus.Error,
            Reason = CellReason.Exception,
            Outputs =
            [
                new StreamOutput("stdout", "hi\n"),
                new ExecuteResultOutput(3, new Dictionary<string, JsonElement> { ["text/plain"] = Json("\"42\""), ["application/json"] = Json("{\"a\":1}") }, new Dictionary<string, JsonElement>()),
                new DisplayDataOutput(new Dictionary<string, JsonElement> { ["image/png"] = Json("\"iVBORw0KGgo=\"") }, new Dictionary<string, JsonElement>()),
                new ErrorOutput("ValueError", "bad", ["Traceback (most recent call last):", "ValueError: bad"]),
            ],
            ChangedFiles = [new ChangedFile("plots/a.png", 10, "file", "created")],
            WallMs = 1.5,
        };
        var json = JsonSerializer.Serialize(result, SessionJson.Options);
        Assert.Contains("\"outputType\":\"execute_result\"", json, StringComparison.Ordinal);
        Assert.Contains("\"outputType\":\"display_data\"", json, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"error\",\"reason\":\"exception\"", json, StringComparison.Ordinal);
        Assert.Contains("\"ename\":\"ValueError\"", json, StringComparison.Ordinal);
        Assert.Contains("\"application/json\":{\"a\":1}", json, StringComparison.Ordinal);
        var back = JsonSerializer.Deserialize<CellResult>(json, SessionJson.Options)!;
        Assert.Equal(4, back.Outputs.Count);
        Assert.Equal("42", ((ExecuteResultOutput)back.Outputs[1]).Data["text/plain"].GetString());
        Assert.Equal(JsonSerializer.Serialize(back, SessionJson.Options), json);
    }

    [Fact]
    public void Requests_AndInfo_UseTheContractsNames()
    {
        var request = JsonSerializer.Deserialize<SessionCreateRequest>("""
            {"language":"python","limits":{"memoryMb":256},"env":{"A":"b"},"initCode":"x=1","idleTtlSeconds":60,"maxLifetimeSeconds":600}
            """, SessionJson.Options)!;
        Assert.Equal((256, 60), (request.Limits!.MemoryMb, request.IdleTtlSeconds));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CellRequest>("{\"code\":\"1\",\"unknown\":1}", SessionJson.Options));
        var info = new SessionInfo { Id = "a", Owner = "o", Language = "python", State = SessionState.Lost, Reason = SessionEndReason.Memory, Limits = Policy.Limits.Default };
        var json = JsonSerializer.Serialize(info, SessionJson.Options);
        Assert.Contains("\"state\":\"lost\",\"reason\":\"memory\"", json, StringComparison.Ordinal);
        var events = JsonSerializer.Serialize<CellEvent>(new CellOutputEvent(new StreamOutput("stderr", "x")), SessionJson.Options);
        Assert.Equal("{\"type\":\"output\",\"output\":{\"outputType\":\"stream\",\"name\":\"stderr\",\"text\":\"x\"}}", events);
        var command = JsonSerializer.Serialize<CommandEvent>(new CommandCompletedEvent(new CommandResult { Reason = Execution.RunReason.Timeout }), SessionJson.Options);
        Assert.Contains("\"reason\":\"timeout\"", command, StringComparison.Ordinal);
    }
}
