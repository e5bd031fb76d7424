using System.Text.Json;

namespace Warden.Sessions;

/// <summary>The kebab-case wire name of an enum value, for messages.</summary>
internal static class Names
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
