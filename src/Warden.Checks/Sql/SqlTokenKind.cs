namespace Warden.Checks.Sql;

internal enum SqlTokenKind
{
    /// <summary>No token (a default value, or past the end).</summary>
    None,
    /// <summary>A keyword or identifier; <see cref="SqlToken.Value"/> is lower-cased unless quoted.</summary>
    Word,
    String,
    Number,
    /// <summary>A bind parameter: <c>$1</c>, <c>?</c>, <c>:name</c>, <c>@name</c>.</summary>
    Parameter,
    Operator,
    /// <summary>A psql meta-command line such as <c>\! ls</c> (PostgreSQL dialect only).</summary>
    MetaCommand,
}
