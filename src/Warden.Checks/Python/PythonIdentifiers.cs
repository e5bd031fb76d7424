namespace Warden.Checks.Python;

/// <summary>
/// Python folds identifiers with NFKC, so <c>ｅｘｅｃ</c>, <c>𝐞𝐯𝐚𝐥</c> and <c>ᵉval</c> all name
/// <c>exec</c>/<c>eval</c>. The process runs with invariant globalization, where
/// <see cref="string.Normalize()"/> does nothing, so the foldings that reach ASCII are done here:
/// fullwidth forms, mathematical alphanumerics, letterlike symbols, modifier and subscript letters.
/// </summary>
internal static class PythonIdentifiers
{
    private static readonly Dictionary<int, char> Singles = Build();

    public static string Fold(string name)
    {
        var ascii = true;
        foreach (var c in name)
            if (c > 0x7F) { ascii = false; break; }
        if (ascii) return name;

        var sb = new System.Text.StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            int cp = name[i];
            if (char.IsHighSurrogate(name[i]) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
                cp = char.ConvertToUtf32(name[i], name[++i]);
            switch (cp)
            {
                case >= 0xFF01 and <= 0xFF5E:
                    sb.Append((char)(cp - 0xFEE0));
                    break;
                case >= 0x1D400 and <= 0x1D6A3:
                    var k = (cp - 0x1D400) % 52;
                    sb.Append(k < 26 ? (char)('A' + k) : (char)('a' + k - 26));
                    break;
                case >= 0x1D7CE and <= 0x1D7FF:
                    sb.Append((char)('0' + (cp - 0x1D7CE) % 10));
                    break;
                case 0xFB01: sb.Append("fi"); break;
                case 0xFB02: sb.Append("fl"); break;
                default:
                    if (Singles.TryGetValue(cp, out var c)) sb.Append(c);
                    else if (cp is >= 0xD800 and <= 0xDFFF) sb.Append((char)cp); // a lone surrogate: keep it as it is
                    else sb.Append(char.ConvertFromUtf32(cp));
                    break;
            }
        }
        return sb.ToString();
    }

    private static Dictionary<int, char> Build()
    {
        var d = new Dictionary<int, char>();
        void Add(string chars, string to)
        {
            var i = 0;
            foreach (var r in chars.EnumerateRunes()) d[r.Value] = to[i++];
        }
        Add("ℬℰℱℋℐℒℳℛℯℊℴℭℌℑℜℨℂℍℕℙℚℝℤℎℓ", "BEFHILMReogoCHIRZCHNPQRZhl");
        Add("ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", "abcdefghijklmnoprstuvwxyz");
        Add("ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ", "aeoxhklmnpstijruv");
        Add("ᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ", "ABDEGHIJKLMNOPRTUVW");
        return d;
    }
}
