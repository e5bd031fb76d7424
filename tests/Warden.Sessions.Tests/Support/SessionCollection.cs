using Warden.TestSupport;

namespace Warden.Sessions.Tests.Support;

/// <summary>Session tests share one real backend and run one at a time, so leftover checks are exact.</summary>
[CollectionDefinition(Name)]
public sealed class SessionCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "sessions";
}
