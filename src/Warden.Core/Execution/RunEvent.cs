using System.Text.Json.Serialization;

namespace Warden.Execution;

/// <summary>An event of a streamed run. Serialized with a <c>type</c> discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RunStarted), "started")]
[JsonDerivedType(typeof(RunOutput), "output")]
[JsonDerivedType(typeof(RunCompleted), "completed")]
public abstract record RunEvent;

/// <summary>A sandbox started; <see cref="Phase"/> is <c>compile</c> or <c>run</c>.</summary>
public sealed record RunStarted(string Phase) : RunEvent;

/// <summary>Output as it was produced. <see cref="Stream"/> is <c>stdout</c> or <c>stderr</c>.</summary>
public sealed record RunOutput(string Phase, string Stream, string Text) : RunEvent;

/// <summary>The last event: the complete result.</summary>
public sealed record RunCompleted(RunResult Result) : RunEvent;
