namespace Warden.Server.Tests.Support;

/// <summary>Polls a condition until it holds or the time is up.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan within, string because)
    {
        var until = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail(because);
            await Task.Delay(50);
        }
    }
}
