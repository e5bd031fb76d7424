using System.Buffers;
using Warden.Sessions.Protocol;

namespace Warden.Sessions;

internal sealed partial class Session
{
    private const int UploadChunkBytes = 192 * 1024; // 256 KiB of base64 per message
    private const int MaxListEntries = 10_000;

    public async Task<FileEntry> UploadAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var rel = WorkspacePaths.Validate(path);
        var conn = LiveConnection();
        using var activity = BeginActivity();
        using var op = conn.Begin();
        var buffer = ArrayPool<byte>.Shared.Rent(UploadChunkBytes);
        var finished = false;
        try
        {
            await conn.SendAsync(new KernelRequest { Op = "upload-open", Id = op.Id, Path = rel, MaxBytes = _options.MaxUploadBytes }, cancellationToken).ConfigureAwait(false);
            long total = 0;
            while (true)
            {
                // The kernel refuses early (a link on the path, no space): stop sending at once.
                if (op.TryRead(out var early))
                {
                    finished = true;
                    return FileReply(early, rel);
                }
                var n = await ReadBlockAsync(content, buffer, UploadChunkBytes, cancellationToken).ConfigureAwait(false);
                if (n == 0) break;
                total += n;
                if (total > _options.MaxUploadBytes)
                    throw new SessionFileException("file-too-large", $"Uploads are limited to {_options.MaxUploadBytes} bytes.");
                await conn.SendAsync(new KernelRequest { Op = "upload-chunk", Target = op.Id, Data = Convert.ToBase64String(buffer, 0, n) }, cancellationToken).ConfigureAwait(false);
            }
            await conn.SendAsync(new KernelRequest { Op = "upload-close", Target = op.Id }, CancellationToken.None).ConfigureAwait(false);
            finished = true;
            return FileReply(await op.ReadAsync(cancellationToken).ConfigureAwait(false), rel);
        }
        catch (Exception ex) when (ex is KernelGoneException or KernelRestartedException)
        {
            throw Translate(ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!finished) await TrySendAsync(conn, new KernelRequest { Op = "upload-abort", Target = op.Id }).ConfigureAwait(false);
        }
    }

    private static async Task<int> ReadBlockAsync(Stream s, byte[] buffer, int count, CancellationToken ct)
    {
        var n = 0;
        while (n < count)
        {
            var r = await s.ReadAsync(buffer.AsMemory(n, count - n), ct).ConfigureAwait(false);
            if (r == 0) break;
            n += r;
        }
        return n;
    }

    public async Task<FileDownload> DownloadAsync(string path, CancellationToken cancellationToken)
    {
        var rel = WorkspacePaths.Validate(path);
        var conn = LiveConnection();
        var activity = BeginActivity();
        try
        {
            using var op = conn.Begin();
            await conn.SendAsync(new KernelRequest { Op = "read-open", Id = op.Id, Path = rel, MaxBytes = _options.MaxDownloadBytes }, cancellationToken).ConfigureAwait(false);
            var reply = await op.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reply.Type != "file" || reply.Entry is null) throw FileFailure(reply, rel);
            var entry = ToEntry(rel, reply.Entry);
            var stream = new KernelFileStream(conn, op.Id, Math.Min(_options.MaxDownloadBytes, entry.Size + (1 << 20)), activity, Translate);
            return new FileDownload(entry, stream);
        }
        catch (Exception ex)
        {
            activity.Dispose();
            if (ex is KernelGoneException or KernelRestartedException) throw Translate(ex);
            throw;
        }
    }

    public async Task<IReadOnlyList<FileEntry>> ListFilesAsync(string? path, bool recursive, CancellationToken cancellationToken)
    {
        var rel = string.IsNullOrEmpty(path) || path == "." ? "" : WorkspacePaths.Validate(path);
        var reply = await RequestAsync(new KernelRequest { Op = "list", Path = rel, Recursive = recursive ? true : null, MaxEntries = MaxListEntries }, cancellationToken).ConfigureAwait(false);
        if (reply.Type != "entries") throw FileFailure(reply, rel.Length == 0 ? "." : rel);
        var result = new List<FileEntry>();
        foreach (var e in reply.Entries ?? [])
        {
            if (result.Count >= MaxListEntries) break;
            if (WorkspacePaths.Normalize(e.Path) is { } p && e.Type is "file" or "directory" or "symlink" or "other")
                result.Add(ToEntry(p, e));
        }
        return result;
    }

    public async Task DeleteFileAsync(string path, bool recursive, CancellationToken cancellationToken)
    {
        var rel = WorkspacePaths.Validate(path);
        var reply = await RequestAsync(new KernelRequest { Op = "delete", Path = rel, Recursive = recursive ? true : null }, cancellationToken).ConfigureAwait(false);
        if (reply.Type != "done") throw FileFailure(reply, rel);
    }

    /// <summary>One request, one reply.</summary>
    private async Task<KernelMessage> RequestAsync(KernelRequest request, CancellationToken cancellationToken)
    {
        var conn = LiveConnection();
        using var activity = BeginActivity();
        using var op = conn.Begin();
        try
        {
            await conn.SendAsync(new KernelRequest
            {
                Op = request.Op, Id = op.Id, Path = request.Path, Recursive = request.Recursive, MaxEntries = request.MaxEntries,
            }, cancellationToken).ConfigureAwait(false);
            return await op.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KernelGoneException or KernelRestartedException)
        {
            throw Translate(ex);
        }
    }

    private static async Task TrySendAsync(KernelConnection conn, KernelRequest request)
    {
        try
        {
            await conn.SendAsync(request).ConfigureAwait(false);
        }
        catch (KernelGoneException)
        {
        }
    }

    private static FileEntry ToEntry(string path, KernelEntry e) =>
        new(path, e.Type is "file" or "directory" or "symlink" ? e.Type : "other", Math.Max(0, e.Size),
            DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(e.MtimeNs / 1_000_000, 0, 253_402_300_799_000)));

    private static FileEntry FileReply(KernelMessage reply, string rel) =>
        reply.Type == "done" && reply.Entry is { } e ? ToEntry(rel, e) : throw FileFailure(reply, rel);

    /// <summary>
    /// The exception for a refused file operation. The message is Warden's own, built from the code
    /// and the caller's path: the kernel's text is not passed on (it is untrusted).
    /// </summary>
    internal static SessionFileException FileFailure(KernelMessage reply, string rel) => reply.Code switch
    {
        "not-found" => new("file-not-found", $"'{rel}' does not exist in the workspace."),
        "symlink" => new("file-symlink", $"'{rel}' is or goes through a symbolic link; links are never followed."),
        "not-a-file" => new("file-not-a-file", $"'{rel}' is not a regular file."),
        "is-a-directory" => new("file-is-a-directory", $"'{rel}' is a directory."),
        "not-a-directory" => new("file-not-a-directory", $"A parent of '{rel}' is not a directory."),
        "too-large" => new("file-too-large", $"'{rel}' is larger than the limit."),
        "no-space" => new("file-no-space", "The session's workspace is full."),
        "not-empty" => new("file-not-empty", $"'{rel}' is a directory that is not empty; delete it recursively."),
        "invalid-path" => new("file-invalid-path", $"'{rel}' is not a path inside the workspace."),
        _ => new("file-error", $"The operation on '{rel}' failed."),
    };
}
