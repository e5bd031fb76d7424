using System.Text.Json.Serialization;

namespace Warden.Sessions;

/// <summary>An event of a running cell: outputs as they are produced, then the result. Serialized with a <c>type</c> discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CellOutputEvent), "output")]
[JsonDerivedType(typeof(CellCompletedEvent), "completed")]
public abstract record CellEvent;

/// <summary>An output as it was produced (stream chunks unmerged).</summary>
public sealed record CellOutputEvent(CellOutput Output) : CellEvent;

/// <summary>The last event of a cell.</summary>
public sealed record CellCompletedEvent(CellResult Result) : CellEvent;
