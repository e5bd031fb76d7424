using System.Text.Json.Serialization;
using Warden.Sessions;

namespace Warden.Cli.Commands.Sessions;

/// <summary>What <c>warden session exec --json</c> prints: the session and every cell's result, in order.</summary>
internal sealed record ExecOutput(string SessionId, string Language, SessionState State, SessionEndReason? Reason, IReadOnlyList<CellResult> Cells);
