using System.Text.Json;

namespace Warden.Sessions;

/// <summary>Something the cell displayed (<c>display()</c>, a matplotlib figure as <c>image/png</c>), as a mime bundle.</summary>
public sealed record DisplayDataOutput(IReadOnlyDictionary<string, JsonElement> Data, IReadOnlyDictionary<string, JsonElement> Metadata) : CellOutput;
