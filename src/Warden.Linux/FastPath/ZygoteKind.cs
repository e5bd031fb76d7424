namespace Warden.Linux.FastPath;

/// <summary>What a Python zygote has imported before it forks its children.</summary>
public enum ZygoteKind
{
    /// <summary>The standard library only: a small image, cheap to fork and tear down. Serves runs that import nothing else.</summary>
    Standard,

    /// <summary>The standard library and numpy, pandas and matplotlib (Agg, a first figure drawn): serves every other Python run.</summary>
    Scientific,
}
