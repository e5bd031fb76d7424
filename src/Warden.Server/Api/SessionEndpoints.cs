using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.Server.Audit;
using Warden.Server.Configuration;
using Warden.Server.Hosting;
using Warden.Server.Quotas;
using Warden.Sessions;

namespace Warden.Server.Api;

/// <summary>
/// Sessions: create, list, get, delete; execute a cell (result or stream), interrupt, restart,
/// run a shell command; files of the workspace (list, download, upload, delete). Readers may only
/// look (list, get, list and download files). Another owner's session is 404.
/// </summary>
internal static class SessionEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerSettings settings)
    {
        var s = app.MapGroup("/v1/sessions");

        s.MapPost("", async (HttpContext c, SessionAccess access, RunQuota quota, ServerSettings cfg) =>
            {
                var p = Responses.Principal(c);
                var req = await JsonBody.ReadAsync(c, SessionJsonTypes.CreateRequest).ConfigureAwait(false);
                req = req with { Limits = quota.ResolveAsRequest(p, req.Limits) };
                var audit = AuditEntry.Of(c);
                if (audit is not null && cfg.Options.Audit.KeepCode) audit.Code = req.InitCode;
                var info = await access.CreateAsync(p, req, c.RequestAborted).ConfigureAwait(false);
                if (audit is not null) audit.Target = info.Id;
                c.Response.Headers.Location = "/v1/sessions/" + info.Id;
                await Responses.JsonAsync(c, 201, info, SessionJsonTypes.Info).ConfigureAwait(false);
            })
            .WithName("CreateSession").WithSummary("Start a session (a sandboxed kernel that keeps state between cells)")
            .WithMetadata(new AuditActionAttribute("sessions.create")).RequireAuthorization(Policies.Runner)
            .Accepts<SessionCreateRequest>("application/json")
            .Produces<SessionInfo>(201).Produces<ErrorResponse>(400).Produces<ErrorResponse>(403).Produces<ErrorResponse>(429);

        s.MapGet("", (HttpContext c, SessionAccess access) =>
                Responses.JsonAsync(c, 200, access.List(Responses.Principal(c)), SessionJsonTypes.InfoList))
            .WithName("ListSessions").WithSummary("The sessions of the key's owner (an admin sees all), including ended ones as they ended (also after a restart)")
            .WithMetadata(new AuditActionAttribute("sessions.list"))
            .Produces<List<SessionInfo>>(200);

        s.MapGet("/{id}", (HttpContext c, string id, SessionAccess access) =>
            {
                Target(c, id);
                return Responses.JsonAsync(c, 200, access.Get(Responses.Principal(c), id), SessionJsonTypes.Info);
            })
            .WithName("GetSession").WithSummary("One session")
            .WithMetadata(new AuditActionAttribute("sessions.get"))
            .Produces<SessionInfo>(200).Produces<ErrorResponse>(404);

        s.MapDelete("/{id}", async (HttpContext c, string id, SessionAccess access) =>
            {
                Target(c, id);
                var info = await access.KillAsync(Responses.Principal(c), id, c.RequestAborted).ConfigureAwait(false);
                await Responses.JsonAsync(c, 200, info, SessionJsonTypes.Info).ConfigureAwait(false);
            })
            .WithName("DeleteSession").WithSummary("End a session now; its sandbox is killed and reaped")
            .WithMetadata(new AuditActionAttribute("sessions.delete")).RequireAuthorization(Policies.Runner)
            .Produces<SessionInfo>(200).Produces<ErrorResponse>(404);

        s.MapPost("/{id}/execute", ExecuteAsync)
            .WithName("ExecuteCell").WithSummary("Run a cell; answers its result, or streams output/completed events (NDJSON or SSE); a client that goes away interrupts it")
            .WithMetadata(new AuditActionAttribute("sessions.execute")).RequireAuthorization(Policies.Runner)
            .Accepts<CellRequest>("application/json")
            .Produces<CellResult>(200, "application/json", StreamFormats.NdJson, StreamFormats.EventStream)
            .Produces<ErrorResponse>(400).Produces<ErrorResponse>(404).Produces<ErrorResponse>(409);

        s.MapPost("/{id}/interrupt", async (HttpContext c, string id, SessionAccess access, ISessionManager sessions) =>
            {
                var (_, owner) = Open(c, id, access);
                await sessions.InterruptAsync(id, owner, c.RequestAborted).ConfigureAwait(false);
                c.Response.StatusCode = 204;
            })
            .WithName("InterruptSession").WithSummary("Interrupt the running cell (KeyboardInterrupt); the session keeps its state")
            .WithMetadata(new AuditActionAttribute("sessions.interrupt")).RequireAuthorization(Policies.Runner)
            .Produces(204).Produces<ErrorResponse>(404).Produces<ErrorResponse>(409);

        s.MapPost("/{id}/restart", async (HttpContext c, string id, SessionAccess access, ISessionManager sessions) =>
            {
                var (_, owner) = Open(c, id, access);
                var info = await sessions.RestartAsync(id, owner, c.RequestAborted).ConfigureAwait(false);
                await Responses.JsonAsync(c, 200, info, SessionJsonTypes.Info).ConfigureAwait(false);
            })
            .WithName("RestartSession").WithSummary("Restart the kernel: state cleared, init code run again; sandbox, limits and files kept (409 session-init-failed when the init code fails now)")
            .WithMetadata(new AuditActionAttribute("sessions.restart")).RequireAuthorization(Policies.Runner)
            .Produces<SessionInfo>(200).Produces<ErrorResponse>(404).Produces<ErrorResponse>(409);

        s.MapPost("/{id}/commands", CommandAsync)
            .WithName("RunSessionCommand").WithSummary("Run a shell command in the session's sandbox; answers its result or streams its output")
            .WithMetadata(new AuditActionAttribute("sessions.command")).RequireAuthorization(Policies.Runner)
            .Accepts<CommandRequest>("application/json")
            .Produces<CommandResult>(200, "application/json", StreamFormats.NdJson, StreamFormats.EventStream)
            .Produces<ErrorResponse>(400).Produces<ErrorResponse>(404).Produces<ErrorResponse>(409);

        s.MapGet("/{id}/files", async (HttpContext c, string id, string? path, bool? recursive, SessionAccess access, ISessionManager sessions) =>
            {
                var (_, owner) = Open(c, id, access);
                var list = await sessions.ListFilesAsync(id, owner, path, recursive ?? false, c.RequestAborted).ConfigureAwait(false);
                await Responses.JsonAsync(c, 200, list.ToList(), SessionJsonTypes.FileList).ConfigureAwait(false);
            })
            .WithName("ListSessionFiles").WithSummary("List a directory of the workspace (?path=, ?recursive=true); links are listed, never followed")
            .WithMetadata(new AuditActionAttribute("sessions.files.list"))
            .Produces<List<FileEntry>>(200).Produces<ErrorResponse>(400).Produces<ErrorResponse>(404);

        s.MapGet("/{id}/files/{**path}", DownloadAsync)
            .WithName("DownloadSessionFile").WithSummary("Download a regular file of the workspace (never through a link)")
            .WithMetadata(new AuditActionAttribute("sessions.files.download"))
            .Produces(200, contentType: "application/octet-stream").Produces<ErrorResponse>(400).Produces<ErrorResponse>(404);

        s.MapPut("/{id}/files/{**path}", UploadAsync)
            .WithName("UploadSessionFile").WithSummary("Upload a file (the raw body) to the workspace, creating parent directories")
            .WithMetadata(new AuditActionAttribute("sessions.files.upload"), new BodyLimitAttribute(settings.Options.Sessions.MaxUploadBytes))
            .RequireAuthorization(Policies.Runner)
            .Accepts<byte[]>("application/octet-stream")
            .Produces<FileEntry>(201).Produces<ErrorResponse>(400).Produces<ErrorResponse>(404).Produces<ErrorResponse>(413);

        s.MapDelete("/{id}/files/{**path}", async (HttpContext c, string id, string path, bool? recursive, SessionAccess access, ISessionManager sessions) =>
            {
                var (_, owner) = Open(c, id, access);
                await sessions.DeleteFileAsync(id, owner, FilePath(path), recursive ?? false, c.RequestAborted).ConfigureAwait(false);
                c.Response.StatusCode = 204;
            })
            .WithName("DeleteSessionFile").WithSummary("Delete a file, a link (not its target) or a directory (?recursive=true when not empty)")
            .WithMetadata(new AuditActionAttribute("sessions.files.delete")).RequireAuthorization(Policies.Runner)
            .Produces(204).Produces<ErrorResponse>(400).Produces<ErrorResponse>(404);
    }

    // The catch-all keeps %2F encoded; decode it once so that the manager validates the path the client meant ("..%2Fx" is "../x", refused).
    private static string FilePath(string path) => Uri.UnescapeDataString(path);

    private static void Target(HttpContext c, string id)
    {
        if (AuditEntry.Of(c) is { } a) a.Target = KeyEndpoints.Clip(id);
    }

    // Audits the target, and answers 404 (or 409 for an ended session the store remembers) before anything is done to a session the caller cannot see.
    private static (Auth.WardenPrincipal Principal, string? Owner) Open(HttpContext c, string id, SessionAccess access)
    {
        Target(c, id);
        var p = Responses.Principal(c);
        access.EnsureVisible(p, id);
        return (p, SessionAccess.Filter(p));
    }

    private static async Task ExecuteAsync(HttpContext c, string id, SessionAccess access, ISessionManager sessions, RunQuota quota, RunTracker tracker, ServerSettings cfg)
    {
        var (p, owner) = Open(c, id, access);
        var req = await JsonBody.ReadAsync(c, SessionJsonTypes.CellRequest).ConfigureAwait(false);
        var audit = AuditEntry.Of(c);
        if (audit is not null && cfg.Options.Audit.KeepCode) audit.Code = req.Code;
        if (req.TimeoutMs is { } t) quota.Resolve(p, new Policy.LimitsRequest { TimeoutMs = t });
        var format = StreamFormats.Negotiate(c.Request);
        using var run = tracker.Begin(c.RequestAborted);
        await StreamOrAnswerAsync(c, format, run, sessions.ExecuteAsync(id, owner, req, run.Token),
            e => e switch { CellCompletedEvent done => done.Result, _ => null },
            r => { if (audit is not null) audit.Reason = r.Status == CellStatus.Ok ? "ok" : JsonNamingPolicy.KebabCaseLower.ConvertName((r.Reason ?? default).ToString()); },
            SessionJsonTypes.CellEvent, SessionJsonTypes.CellResult, e => e is CellCompletedEvent ? "completed" : "output").ConfigureAwait(false);
    }

    private static async Task CommandAsync(HttpContext c, string id, SessionAccess access, ISessionManager sessions, RunQuota quota, RunTracker tracker, ServerSettings cfg)
    {
        var (p, owner) = Open(c, id, access);
        var req = await JsonBody.ReadAsync(c, SessionJsonTypes.CommandRequest).ConfigureAwait(false);
        var audit = AuditEntry.Of(c);
        if (audit is not null && cfg.Options.Audit.KeepCode) audit.Code = req.Command ?? string.Join(' ', req.Argv ?? []);
        if (req.TimeoutMs is { } t) quota.Resolve(p, new Policy.LimitsRequest { TimeoutMs = t });
        var format = StreamFormats.Negotiate(c.Request);
        using var run = tracker.Begin(c.RequestAborted);
        await StreamOrAnswerAsync(c, format, run, sessions.RunCommandAsync(id, owner, req, run.Token),
            e => e switch { CommandCompletedEvent done => done.Result, _ => null },
            r => { if (audit is not null) audit.Reason = JsonNamingPolicy.KebabCaseLower.ConvertName(r.Reason.ToString()); },
            SessionJsonTypes.CommandEvent, SessionJsonTypes.CommandResult, e => e is CommandCompletedEvent ? "completed" : "output").ConfigureAwait(false);
    }

    // A cell or a command: the result alone (default) or every event as it comes; the last event carries the result.
    private static async Task StreamOrAnswerAsync<TEvent, TResult>(HttpContext c, StreamFormat format, RunTracker.Tracked run,
        IAsyncEnumerable<TEvent> events, Func<TEvent, TResult?> resultOf, Action<TResult> onResult,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<TEvent> eventInfo, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TResult> resultInfo,
        Func<TEvent, string> typeOf) where TResult : class
    {
        try
        {
            await using var e = events.GetAsyncEnumerator(run.Token);
            var more = await e.MoveNextAsync().ConfigureAwait(false);
            if (format != StreamFormat.None) await StreamFormats.StartAsync(c, format).ConfigureAwait(false);
            TResult? result = null;
            while (more)
            {
                if (resultOf(e.Current) is { } r) { result = r; onResult(r); }
                if (format != StreamFormat.None)
                    await StreamFormats.WriteAsync(c, format, typeOf(e.Current), JsonSerializer.SerializeToUtf8Bytes(e.Current, eventInfo)).ConfigureAwait(false);
                more = await e.MoveNextAsync().ConfigureAwait(false);
            }
            if (format == StreamFormat.None)
                await Responses.JsonAsync(c, 200, result ?? throw new InvalidOperationException("the stream ended without a result"), resultInfo).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (run.KilledByShutdown)
        {
            if (AuditEntry.Of(c) is { } a) a.KilledByShutdown = true;
            throw new ApiException(503, ErrorCodes.ShuttingDown, "Stopped: Warden is shutting down.");
        }
    }

    private static async Task DownloadAsync(HttpContext c, string id, string path, SessionAccess access, ISessionManager sessions)
    {
        var (_, owner) = Open(c, id, access);
        await using var download = await sessions.DownloadAsync(id, owner, FilePath(path), c.RequestAborted).ConfigureAwait(false);
        c.Response.StatusCode = 200;
        c.Response.ContentType = "application/octet-stream";
        c.Response.ContentLength = download.Entry.Size;
        c.Response.Headers.ContentDisposition = "attachment";
        await download.Content.CopyToAsync(c.Response.Body, c.RequestAborted).ConfigureAwait(false);
    }

    private static async Task UploadAsync(HttpContext c, string id, string path, SessionAccess access, ISessionManager sessions)
    {
        var (_, owner) = Open(c, id, access);
        var limit = BodyLimit.Of(c);
        if (c.Request.ContentLength is { } length && length > limit) throw LimitedReadStream.TooLarge(limit);
        await using var body = new LimitedReadStream(c.Request.Body, limit);
        var entry = await sessions.UploadAsync(id, owner, FilePath(path), body, c.RequestAborted).ConfigureAwait(false);
        await Responses.JsonAsync(c, 201, entry, SessionJsonTypes.File).ConfigureAwait(false);
    }
}
