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
            var first = _t.At(j);
            var (dotted, end) = ReadDotted(j);
            if (dotted.Length == 0) return j - 1;
            string alias;
            Value value;
            if (_t.At(end).IsName("as") && _t.At(end + 1).Kind == TokenKind.Name)
            {
                alias = _t[end + 1].Text;
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
            if (!_t.At(end).IsOp(",")) return end - 1;
            j = end + 1;
        }
    }

    private bool IsFromImport(int i)
    {
        var j = i + 1;
        while (_t.At(j).IsOp(".") || _t.At(j).IsOp("...")) j++;
        var (_, end) = ReadDotted(j);
        return _t.At(end).IsName("import");
    }

    /// <summary><c>from m import a as b, c</c> / <c>from m import (…)</c> / <c>from m import *</c>.</summary>
    private int FromImportStatement(int i, bool report = false)
    {
        var j = i + 1;
        var relative = false;
        while (_t.At(j).IsOp(".") || _t.At(j).IsOp("...")) { j++; relative = true; }
        var moduleToken = _t.At(j);
        var (module, end) = ReadDotted(j);
        j = end + 1; // past 'import'
        if (_t.At(j).IsOp("(")) j++;
        if (relative) return SkipToStatementEnd(j);
        if (report) CheckModule(module, moduleToken);
        if (_t.At(j).IsOp("*"))
        {
            if (!report) _starModules.Add(PythonSymbols.Normalize(module));
            return j;
        }
        while (_t.At(j).Kind == TokenKind.Name)
        {
            var nameToken = _t[j];
            var alias = nameToken.Text;
            j++;
            if (_t.At(j).IsName("as") && _t.At(j + 1).Kind == TokenKind.Name) { alias = _t[j + 1].Text; j += 2; }
            var qualified = PythonSymbols.Normalize(module + "." + nameToken.Text);
            if (report)
            {
                CheckSymbol(qualified, nameToken);
                CheckNetworkModule(qualified, nameToken);
            }
            else Bind(alias, j, Value.Of(qualified, isModule: PythonSymbols.IsKnownSubmodule(qualified)));
            if (!_t.At(j).IsOp(",")) break;
            j++;
        }
        return _t.At(j).IsOp(")") ? j : j - 1;
    }

    private int SkipToStatementEnd(int j)
    {
        while (j < _t.Count && _t[j].Kind != TokenKind.Newline && !_t[j].IsOp(";")) j++;
        return j - 1;
    }

    /// <summary>Reads <c>a.b.c</c>; returns the text and the index after it.</summary>
    private (string Dotted, int End) ReadDotted(int j)
    {
        if (_t.At(j).Kind != TokenKind.Name || Keywords.Contains(_t.At(j).Text)) return ("", j);
        var parts = new List<string> { _t[j].Text };
        j++;
        while (_t.At(j).IsOp(".") && _t.At(j + 1).Kind == TokenKind.Name)
        {
            parts.Add(_t[j + 1].Text);
            j += 2;
        }
        return (string.Join('.', parts), j);
    }
}
