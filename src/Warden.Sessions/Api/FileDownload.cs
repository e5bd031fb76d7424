namespace Warden.Sessions;

/// <summary>
/// A file of a session being read: its entry (size at open), and a read-only stream that pulls the
/// content from the sandbox in bounded chunks. Dispose it to release the file inside the sandbox.
/// </summary>
public sealed class FileDownload : IAsyncDisposable, IDisposable
{
    internal FileDownload(FileEntry entry, Stream content)
    {
        Entry = entry;
        Content = content;
    }

    /// <summary>The file as it was when opened.</summary>
    public FileEntry Entry { get; }

    /// <summary>The content. It never yields more than the manager's download limit.</summary>
    public Stream Content { get; }

    /// <summary>Reads the whole file into memory.</summary>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken = default)
    {
        using var ms = new MemoryStream();
        await Content.CopyToAsync(ms, cancellationToken).ConfigureAwait(false);
        return ms.ToArray();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Content.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => Content.Dispose();
}
