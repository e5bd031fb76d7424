using System.Globalization;

namespace Warden;

/// <summary>
/// One problem of an options record: the property it is about and what is wrong with it. An
/// options record lists all of its problems at once; a host that binds the record from
/// configuration prefixes <see cref="Property"/> with the configuration path.
/// </summary>
/// <param name="Property">The property, as its record names it (a nested record's as <c>FastPath:Prepared</c>).</param>
/// <param name="Problem">What is wrong: <c>must be between 0 and 256; got 300</c>.</param>
public sealed record OptionProblem(string Property, string Problem)
{
    /// <summary>"Prepared must be between 0 and 256; got 300".</summary>
    public override string ToString() => Property + " " + Problem;

    /// <summary>This problem with <paramref name="prefix"/> before the property (<c>FastPath:</c>).</summary>
    public OptionProblem Under(string prefix) => this with { Property = prefix + Property };

    /// <summary>Adds a problem when <paramref name="value"/> is outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void Range(List<OptionProblem> problems, string property, long value, long min, long max)
    {
        if (value < min || value > max)
            problems.Add(new(property, string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}; got {value}")));
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming every problem, when there is one.</summary>
    public static void ThrowIfAny(string options, IReadOnlyList<OptionProblem> problems)
    {
        if (problems.Count > 0) throw new InvalidOptionsException(options, problems);
    }
}

/// <summary>An options record has invalid values; the message lists every one.</summary>
public sealed class InvalidOptionsException(string options, IReadOnlyList<OptionProblem> problems)
    : WardenException("invalid-options", $"Invalid {options}: {string.Join("; ", problems)}.")
{
    /// <summary>Every problem found.</summary>
    public IReadOnlyList<OptionProblem> Problems { get; } = problems;
}
