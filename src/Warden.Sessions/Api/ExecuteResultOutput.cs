using System.Text.Json;

namespace Warden.Sessions;

/// <summary>
/// The value of the cell's trailing expression as a mime bundle: <c>text/plain</c> always;
/// <c>text/html</c>, <c>image/png</c> (base64), <c>image/svg+xml</c>, <c>text/latex</c>,
/// <c>application/json</c> (a JSON value) and others when the object provides them.
/// </summary>
public sealed record ExecuteResultOutput(int ExecutionCount, IReadOnlyDictionary<string, JsonElement> Data, IReadOnlyDictionary<string, JsonElement> Metadata) : CellOutput;
