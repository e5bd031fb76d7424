using Warden.Checks.Analysis;

namespace Warden.Checks.Python;

internal sealed partial class PythonAnalyzer
{
    /// <summary><c>import a.b as c, d</c>; binds the names and, when reporting, checks each module. Returns the last index of the statement.</summary>
    private int ImportStatement(int i, bool report = false)
    {
        var j = i + 1;
        while (true)
        {
            var first = T.At(j);
            var (dotted, end) = ReadDotted(j);
            if (dotted.Length == 0) return j - 1;
            string alias;
            Value value;
            if (T.At(end).IsName("as") && T.At(end + 1).Kind == TokenKind.Name)
            {
                alias = T[end + 1].Text;
                value = Value.Of(PythonSymbols.Normalize(dotted), isModule: true);
                end += 2;
            }
            else
            {
                alias = dotted.Split('.')[0];
                value = Value.Of(PythonSymbols.Normalize(alias), isModule: true);
            }
            if (report) CheckModule(dotted, first);
            else Bind(alias, j, value);
            if (!T.At(end).IsOp(",")) return end - 1;
            j = end + 1;
        }
    }

    private bool IsFromImport(int i)
    {
        var j = i + 1;
        while (T.At(j).IsOp(".") || T.At(j).IsOp("...")) j++;
        var (_, end) = ReadDotted(j);
        return T.At(end).IsName("import");
    }

    /// <summary><c>from m import a as b, c</c> / <c>from m import (…)</c> / <c>from m import *</c>.</summary>
    private int FromImportStatement(int i, bool report = false)
    {
        var j = i + 1;
        var relative = false;
        while (T.At(j).IsOp(".") || T.At(j).IsOp("...")) { j++; relative = true; }
        var moduleToken = T.At(j);
        var (module, end) = ReadDotted(j);
        j = end + 1; // past 'import'
        if (T.At(j).IsOp("(")) j++;
        if (relative) return SkipToStatementEnd(j);
        if (report) CheckModule(module, moduleToken);
        if (T.At(j).IsOp("*"))
        {
            if (!report) _starModules.Add(PythonSymbols.Normalize(module));
            return j;
        }
        while (T.At(j).Kind == TokenKind.Name)
        {
            var nameToken = T[j];
            var alias = nameToken.Text;
            j++;
            if (T.At(j).IsName("as") && T.At(j + 1).Kind == TokenKind.Name) { alias = T[j + 1].Text; j += 2; }
            var qualified = PythonSymbols.Normalize(module + "." + nameToken.Text);
            if (report)
            {
                CheckSymbol(qualified, nameToken);
                CheckNetworkModule(qualified, nameToken);
            }
            else Bind(alias, j, Value.Of(qualified, isModule: PythonSymbols.IsKnownSubmodule(qualified)));
            if (!T.At(j).IsOp(",")) break;
            j++;
        }
        return T.At(j).IsOp(")") ? j : j - 1;
    }

    private int SkipToStatementEnd(int j)
    {
        while (j < T.Count && T[j].Kind != TokenKind.Newline && !T[j].IsOp(";")) j++;
        return j - 1;
    }

    /// <summary>Reads <c>a.b.c</c>; returns the text and the index after it.</summary>
    private (string Dotted, int End) ReadDotted(int j)
    {
        if (T.At(j).Kind != TokenKind.Name || Keywords.Contains(T.At(j).Text)) return ("", j);
        var parts = new List<string> { T[j].Text };
        j++;
        while (T.At(j).IsOp(".") && T.At(j + 1).Kind == TokenKind.Name)
        {
            parts.Add(T[j + 1].Text);
            j += 2;
        }
        return (string.Join('.', parts), j);
    }
}
