using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Warden.Server.Hosting;

/// <summary>
/// The console log, without the generic host's "Hosting failed to start" record when what failed
/// is one of Warden's own refusals (a <see cref="WardenException"/>: an unusable data directory,
/// a host that cannot isolate, an invalid configuration) or Kestrel's failure to bind. That exception reaches whoever started
/// the host, which reports it as one line with its fix (<c>warden serve</c> prints it and exits
/// 125); logging it here too printed a stack trace with the build machine's source paths before
/// the one useful line. Anything else that fails the start is still logged in full.
/// </summary>
[ProviderAlias("Console")]
internal sealed class ReportedStartFailureFilter(ConsoleLoggerProvider inner) : ILoggerProvider, ISupportExternalScope
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
    private const string StartupFaulted = "HostedServiceStartupFaulted";

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == HostCategory ? new Filtered(logger) : logger;
    }

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => inner.SetScopeProvider(scopeProvider);

    public void Dispose() => inner.Dispose();

    /// <summary>Whether <paramref name="ex"/> is a refusal the caller of StartAsync reports itself.</summary>
    internal static bool IsReported(Exception? ex) => ex switch
    {
        WardenException => true,
        // Kestrel could not bind (address in use, a port it may not use): warden serve prints "cannot listen: …".
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException } => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsReported),
        _ => false,
    };

    private sealed class Filtered(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == StartupFaulted && IsReported(exception)) return;
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
