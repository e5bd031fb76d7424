using System.Text.Json.Serialization;

namespace Warden.Sessions;

/// <summary>How a cell ended. Serialized kebab-case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CellStatus>))]
public enum CellStatus
{
    /// <summary>The cell ran to its end.</summary>
    [JsonStringEnumMemberName("ok")] Ok,
    /// <summary>The cell raised (an exception, an interrupt, or its timeout); the session lives on.</summary>
    [JsonStringEnumMemberName("error")] Error,
    /// <summary>The kernel died during the cell; the session is lost (see the reason).</summary>
    [JsonStringEnumMemberName("lost")] Lost,
}
