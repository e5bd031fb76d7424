using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Warden.Checks;
using Warden.Checks.Json;
using Warden.Eval.Json;
using Warden.Execution;
using Warden.Json;
using Warden.Linux;
using Warden.Linux.Isolation;
using Warden.Server.Api;
using Warden.Server.Audit;
using Warden.Server.Auth;
using Warden.Server.Configuration;
using Warden.Server.Hosting;
using Warden.Server.Quotas;
using Warden.Server.Storage;
using Warden.Server.UnixSocket;
using Warden.Sessions;

namespace Warden.Server;

/// <summary>
/// Builds Warden's HTTP server: Kestrel on the configured addresses (loopback by default) and
/// the Unix socket, the API under <c>/v1</c>, keys and roles, per-principal limits, the audit
/// log and the embedded store. <c>warden serve</c> runs it; tests host it on a real loopback port
/// or in memory.
/// </summary>
public sealed class WardenServer
{
    private WardenServer() { }

    /// <summary>A host for <paramref name="configuration"/> (validated here; unknown keys are errors).</summary>
    /// <param name="configuration">The configuration tree (see <see cref="ServerConfiguration"/>).</param>
    /// <param name="configureServices">Replaces services after Warden's own (tests).</param>
    /// <exception cref="ConfigurationException">The configuration is invalid.</exception>
    public static IHostBuilder CreateHostBuilder(IConfiguration configuration, Action<IServiceCollection>? configureServices = null)
    {
        var settings = ServerSettings.Resolve(ServerConfiguration.Bind(configuration));
        var grace = TimeSpan.FromSeconds(settings.Options.Server.ShutdownGraceSeconds);
        return new HostBuilder()
            .UseContentRoot(AppContext.BaseDirectory)
            .ConfigureLogging(logging =>
            {
                logging.AddConfiguration(configuration.GetSection("Logging"));
                logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });
                // A refusal to start (WardenException) is reported by whoever started the host, as one line with its fix; not also as a stack trace.
                var console = logging.Services.Single(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider));
                logging.Services.Remove(console);
                logging.Services.AddSingleton<ILoggerProvider>(sp => new ReportedStartFailureFilter(
                    new ConsoleLoggerProvider(sp.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), sp.GetServices<ConsoleFormatter>())));
                if (!configuration.GetSection("Logging").Exists())
                {
                    logging.SetMinimumLevel(LogLevel.Information);
                    logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
                    logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
                    logging.AddFilter("Warden.Server.Auth.ApiKeyAuthenticationHandler", LogLevel.Warning);
                }
            })
            .ConfigureHostOptions(o => o.ShutdownTimeout = grace + TimeSpan.FromSeconds(40))
            .UseDefaultServiceProvider(o => { o.ValidateOnBuild = true; o.ValidateScopes = true; })
            // Registered first so that it stops last: every record of the last requests is written.
            .ConfigureServices(services =>
            {
                services.AddSingleton(settings);
                services.TryAddSingleton(TimeProvider.System);
                services.AddSingleton<IWardenStore>(_ => SqliteStore.Open(settings.DataDir));
                services.AddSingleton<AuditWriter>();
                services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
                // The composition root: every face of this server uses this one engine (its backend, runner with code checks and sessions).
                services.AddSingleton(sp => WardenEngine.Create(new WardenEngineOptions
                {
                    DefaultLimits = settings.DefaultLimits,
                    Engine = settings.Engine,
                    Sessions = settings.Sessions with { TimeProvider = sp.GetRequiredService<TimeProvider>() },
                }));
                // The engine owns and disposes these (their Dispose is idempotent).
                services.AddSingleton(sp => sp.GetRequiredService<WardenEngine>().Backend);
                services.AddHostedService<StartupChecks>();
            })
            .ConfigureWebHost(web => web
                .UseKestrel(k => ConfigureKestrel(k, settings))
                .Configure(app => ConfigurePipeline(app, settings)))
            .ConfigureServices(services =>
            {
                AddServices(services, settings);
                configureServices?.Invoke(services);
            });
    }

    private static void AddServices(IServiceCollection services, ServerSettings settings)
    {
        services.AddHostedService<SocketPermissions>();
        // After the web host: it starts once Kestrel listens, and warms the fast path in the background.
        services.AddSingleton<EngineWarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<EngineWarmUp>());
        services.AddSingleton(sp => sp.GetRequiredService<WardenEngine>().Sessions);
        services.AddSingleton<SessionAccess>();
        // Stopped after the run tracker has drained (cells included): ends every session and waits until each sandbox is gone.
        services.AddHostedService<SessionShutdown>();
        services.AddSingleton<RunTracker>();
        services.AddHostedService(sp => sp.GetRequiredService<RunTracker>());
        // The engine's runner carries the advisory code checks, so every face of this server honours a request's check field.
        services.AddSingleton(sp => sp.GetRequiredService<WardenEngine>().Runner);
        services.AddSingleton<ISandboxRunner>(sp => new GatedRunner(sp.GetRequiredService<Runner>(), settings.Options.Server.MaxConcurrentRuns));
        services.AddSingleton<RunQuota>();
        services.AddSingleton<ApiKeys>();
        services.AddRouting();
        // Authentication pulls in Data Protection, which Warden does not use (no cookies): keep its keys in memory, never on disk.
        services.AddSingleton<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider());
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(Policies.Add);
        services.AddWardenRateLimits(settings);
        if (settings.Options.Cors.Origins is { Length: > 0 } origins)
        {
            services.AddCors(o => o.AddDefaultPolicy(p => p
                .WithOrigins(origins)
                .WithMethods("GET", "POST", "PUT", "DELETE")
                .WithHeaders("Authorization", "Content-Type", "Accept")
                .WithExposedHeaders("Retry-After", "X-Request-Id", "Location")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        }
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, WardenJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(2, EvalJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(3, SessionJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(4, ChecksJsonContext.Default);
        });
        services.AddOpenApi("v1", OpenApiDocument.Configure);
    }

    private static void ConfigureKestrel(KestrelServerOptions k, ServerSettings settings)
    {
        var s = settings.Options.Server;
        k.AddServerHeader = false;
        k.Limits.MaxRequestBodySize = s.MaxRequestBodyBytes;
        k.Limits.MaxRequestHeadersTotalSize = s.MaxRequestHeadersBytes;
        k.Limits.MaxRequestLineSize = Math.Min(8192, s.MaxRequestHeadersBytes);
        k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
        foreach (var url in settings.Urls)
        {
            void Tls(ListenOptions lo)
            {
                if (url.Scheme == "https") lo.UseHttps(X509Certificate2.CreateFromPemFile(s.TlsCertificatePath!, s.TlsKeyPath));
            }
            if (url.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) k.ListenLocalhost(url.Port, Tls);
            else k.Listen(IPAddress.Parse(url.Host.Trim('[', ']')), url.Port, Tls);
        }
        if (settings.SocketPath is { } path)
        {
            UnixSocketListener.Prepare(path);
            var log = k.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Warden.Server.UnixSocket");
            UnixSocketListener.Listen(k, path, settings.AllowedPeerUids, log);
        }
    }

    private static void ConfigurePipeline(IApplicationBuilder app, ServerSettings settings)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<AuditMiddleware>();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseStatusCodePages(ctx =>
        {
            var status = ctx.HttpContext.Response.StatusCode;
            return ErrorResponses.WriteAsync(ctx.HttpContext, status, ErrorCodes.ForStatus(status), ErrorCodes.MessageForStatus(status));
        });
        if (settings.Options.Cors.Origins is { Length: > 0 }) app.UseCors();
        app.UseRouting();
        app.UseMiddleware<BodyLimitMiddleware>();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseEndpoints(endpoints =>
        {
            SystemEndpoints.Map(endpoints);
            RunEndpoints.Map(endpoints);
            CheckEndpoints.Map(endpoints);
            EvaluationEndpoints.Map(endpoints);
            KeyEndpoints.Map(endpoints);
            AuditEndpoints.Map(endpoints);
            SessionEndpoints.Map(endpoints, settings);
            endpoints.MapOpenApi("/openapi/{documentName}.json").WithMetadata(new AuditActionAttribute("openapi"));
        });
    }

    /// <summary>The addresses a started host listens on (with the real port when 0 was asked for).</summary>
    public static IReadOnlyList<string> Addresses(IHost host) =>
        host.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
