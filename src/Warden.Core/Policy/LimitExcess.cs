namespace Warden.Policy;

/// <summary>A field of <see cref="Limits"/> above a ceiling (see <see cref="Limits.FirstAbove"/>).</summary>
/// <param name="Field">The request field: <c>limits.memoryMb</c>.</param>
/// <param name="Value">The value asked for, formatted.</param>
/// <param name="Ceiling">The ceiling, formatted.</param>
public sealed record LimitExcess(string Field, string Value, string Ceiling)
{
    /// <summary>"limits.memoryMb is 2048, above this key's quota of 1024."</summary>
    public string Message(string whose) => $"{Field} is {Value}, above {whose} of {Ceiling}.";
}
