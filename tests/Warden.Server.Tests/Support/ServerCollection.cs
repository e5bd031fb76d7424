namespace Warden.Server.Tests.Support;

/// <summary>One server shared by the tests that need no special configuration.</summary>
public sealed class SharedServer : IAsyncLifetime
{
    public WardenTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await WardenTestHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<SharedServer>
{
    public const string Name = "server";
}
