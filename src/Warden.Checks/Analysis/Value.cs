namespace Warden.Checks.Analysis;

/// <summary>
/// What an analyser knows about an expression without running it: the symbol it names
/// (<c>os.system</c>, <c>child_process</c>), or the string it evaluates to, and how that string
/// was made. Unknown is the common case and is never an error.
/// </summary>
internal sealed record Value
{
    public static readonly Value Unknown = new();

    /// <summary>Attribute chains longer than this stop being followed (no rule names anything so long).</summary>
    public const int MaxSymbolLength = 200;

    /// <summary>Qualified name of what the expression refers to, such as <c>os.system</c> or <c>builtins.eval</c>.</summary>
    public string? Symbol { get; init; }

    /// <summary>The symbol is a module object (so a computed attribute of it is a lookup into the module).</summary>
    public bool IsModule { get; init; }

    /// <summary>The string the expression evaluates to, when it can be folded.</summary>
    public string? Text { get; init; }

    /// <summary>An integer literal's value (for <c>chr(115)</c>).</summary>
    public long? Number { get; init; }

    /// <summary>The elements of a list or tuple literal, when every one is known.</summary>
    public IReadOnlyList<Value>? Items { get; init; }

    /// <summary>The string was produced by operations (concatenation, <c>chr</c>, reversal, join), not written out.</summary>
    public bool Built { get; init; }

    /// <summary>The data went through a decoder (base64, hex, rot13, decompression).</summary>
    public bool Decoded { get; init; }

    /// <summary>For a bound method of a known value (<c>''.join</c>): the receiver.</summary>
    public Value? Receiver { get; init; }

    /// <summary>For a bound method: its name.</summary>
    public string? Method { get; init; }

    public static Value Of(string symbol, bool isModule = false) => new() { Symbol = symbol, IsModule = isModule };

    /// <summary>Strings longer than this are not folded further (string building can grow exponentially).</summary>
    public const int MaxTextLength = 64 * 1024;

    public static Value String(string text, bool built = false, bool decoded = false) =>
        text.Length <= MaxTextLength ? new() { Text = text, Built = built, Decoded = decoded } : new() { Decoded = decoded };

    public static Value BoundMethod(Value receiver, string method) => new() { Receiver = receiver, Method = method, Decoded = receiver.Decoded };

    /// <summary>An unknown value that still remembers it came from decoded data.</summary>
    public static Value DecodedUnknown { get; } = new() { Decoded = true };

    /// <summary>Unknown, keeping only whether <paramref name="v"/> came from decoded data.</summary>
    public static Value UnknownFrom(Value v) => v.Decoded ? DecodedUnknown : Unknown;
}
