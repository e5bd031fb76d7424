namespace Warden.Eval.Tests.Support;

/// <summary>Tests that start real sandboxes run one class at a time, so that a leftover-process check sees only its own.</summary>
[CollectionDefinition(Name)]
public sealed class SandboxCollection
{
    public const string Name = "Real sandboxes";
}
