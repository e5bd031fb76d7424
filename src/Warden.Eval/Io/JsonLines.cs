using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Warden.Eval.Io;

/// <summary>Reads JSON Lines, plain or gzip (told apart by the gzip magic bytes, not the name).</summary>
internal static class JsonLines
{
    /// <summary>The records of <paramref name="path"/>, one per non-blank line.</summary>
    /// <exception cref="InvalidDataException">A line is not a valid record; the message names the file and line.</exception>
    public static List<T> Read<T>(string path, JsonTypeInfo<T> info)
    {
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        var gzip = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true));
        var records = new List<T>();
        var number = 0;
        try
        {
            while (reader.ReadLine() is { } line)
            {
                number++;
                if (string.IsNullOrWhiteSpace(line)) continue;
                records.Add(JsonSerializer.Deserialize(line, info) ?? throw new JsonException("null record"));
            }
        }
        catch (Exception ex) when (ex is JsonException or DecoderFallbackException or InvalidDataException)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)} line {number + (number == 0 ? 1 : 0)}: {ex.Message}", ex);
        }
        return records;
    }
}
