namespace Warden.Checks;

/// <summary>Connects the advisory code checks to the runner (<see cref="Execution.RunRequest.Check"/>).</summary>
public static class RunnerChecks
{
    /// <summary>A <see cref="CodeCheck"/> over <see cref="CodeChecker"/> with <paramref name="policy"/>'s rules (the request's mode wins).</summary>
    public static CodeCheck Create(CheckPolicy? policy = null) => (language, code, mode) =>
        CodeChecker.Check(language, code, (policy ?? CheckPolicy.Default) with { Mode = mode });
}
