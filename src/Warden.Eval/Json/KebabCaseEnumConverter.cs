using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Eval.Json;

/// <summary>Writes an enum of Warden.Core (which carries no member names) kebab-case, as the result contract does.</summary>
internal sealed class KebabCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    where T : struct, Enum;
