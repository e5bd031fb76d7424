namespace Warden.Sessions;

/// <summary>An exception the cell raised: type name, message and traceback lines, without ANSI codes.</summary>
public sealed record ErrorOutput(string Ename, string Evalue, IReadOnlyList<string> Traceback) : CellOutput;
