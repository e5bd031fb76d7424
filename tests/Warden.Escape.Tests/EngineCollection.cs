using Warden.TestSupport;

namespace Warden.Tests;

/// <summary>Engine tests share one real backend and run one at a time, so leftover checks are exact.</summary>
[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>, ICollectionFixture<ZygoteEngineFixture>, ICollectionFixture<ScientificZygoteEngineFixture>
{
    public const string Name = "engine";
}
