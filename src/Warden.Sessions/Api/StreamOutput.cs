namespace Warden.Sessions;

/// <summary>Text the cell wrote; <see cref="Name"/> is <c>stdout</c> or <c>stderr</c>.</summary>
public sealed record StreamOutput(string Name, string Text) : CellOutput;
