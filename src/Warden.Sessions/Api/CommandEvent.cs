using System.Text.Json.Serialization;

namespace Warden.Sessions;

/// <summary>An event of a running command: output as produced, then the result. Serialized with a <c>type</c> discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CommandOutputEvent), "output")]
[JsonDerivedType(typeof(CommandCompletedEvent), "completed")]
public abstract record CommandEvent;

/// <summary>Output as it was produced; <see cref="Stream"/> is <c>stdout</c> or <c>stderr</c>.</summary>
public sealed record CommandOutputEvent(string Stream, string Text) : CommandEvent;

/// <summary>The last event of a command.</summary>
public sealed record CommandCompletedEvent(CommandResult Result) : CommandEvent;
