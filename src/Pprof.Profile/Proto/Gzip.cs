using System.Buffers.Binary;
using System.IO.Compression;

namespace Pprof.Profiles.Proto;

/// <summary>Gzip decompression with the checks .NET's <see cref="GZipStream"/> leaves out: a truncated stream (which
/// GZipStream ends silently, returning short data) or trailing garbage is an error, as it is for Go's gzip reader;
/// and the output is capped (gzip bombs).</summary>
internal static class Gzip
{
    /// <summary>Decompresses <paramref name="data"/> (one or more gzip members). Throws <see cref="ProfileFormatException"/>
    /// ("decompressing profile: …") for corrupt or truncated data or output beyond <paramref name="max"/> bytes.</summary>
    public static byte[] Decompress(byte[] data, long max) =>
        Decompress(new MemoryStream(data, writable: false), data.Length, max);

    /// <summary>True when the rest of the seekable <paramref name="s"/> starts with the gzip magic and is long enough to
    /// hold a gzip member; <paramref name="length"/> is then the number of bytes left. The position is left unchanged.</summary>
    public static bool IsGzipStream(Stream s, out long length)
    {
        length = 0;
        long pos = s.Position;
        long left = s.Length - pos;
        if (left < 18) return false;
        Span<byte> magic = stackalloc byte[2];
        int n = s.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        s.Position = pos;
        if (n < 2 || magic[0] != 0x1f || magic[1] != 0x8b) return false;
        length = left;
        return true;
    }

    /// <summary>Decompresses the <paramref name="length"/> bytes left in the seekable stream <paramref name="source"/>,
    /// which hold one or more gzip members; see <see cref="Decompress(byte[], long)"/>.</summary>
    public static byte[] Decompress(Stream source, long length, long max)
    {
        const string what = "decompressing profile";
        if (length < 18) throw new ProfileFormatException(what + ": unexpected EOF");
        // The last member's trailer: CRC-32 and size (mod 2^32) of that member's output. It also sizes the output buffer.
        long start = source.Position;
        Span<byte> trailer = stackalloc byte[8];
        source.Position = start + length - 8;
        if (source.ReadAtLeast(trailer, 8, throwOnEndOfStream: false) != 8) throw new ProfileFormatException(what + ": unexpected EOF");
        source.Position = start;
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint isize = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        // The claimed size sizes the output buffer, but only up to a ratio real profiles do not exceed (they compress
        // about 3-10x), so a small input claiming gigabytes cannot make us allocate them before any data arrives.
        long hint = Math.Min(Math.Min(isize, length * 32 + (1 << 20)), max);
        byte[] output;
        int outLength;
        using (var gz = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true))
        {
            (output, outLength) = Profile.ReadAllInto(gz, max, what, (int)Math.Max(hint, 4096));
        }
        // GZipStream checks each member's CRC when the member's trailer is there; a truncated stream it ends early without
        // complaint, so the last eight bytes are then compressed data that (but for a 2^-32 chance) do not match the output.
        if ((uint)outLength != isize)
        {
            // Multi-member streams: the trailer covers only the last member's output.
            if (isize > (uint)outLength || Crc32(output.AsSpan(outLength - (int)isize, (int)isize)) != crc)
                throw new ProfileFormatException(what + ": unexpected EOF (gzip data truncated or corrupt)");
        }
        if (outLength == output.Length) return output;
        return output.AsSpan(0, outLength).ToArray();
    }

    /// <summary>Decompresses a single-member gzip stream whose trailer gives its exact size into a
    /// <see cref="NativeBuffer"/>. Returns null, with the stream back where it was, whenever that does not apply or the
    /// data is not what the trailer says (several members, truncated or corrupt data, too large): the caller then takes
    /// the managed path, which reports errors as usual.</summary>
    public static NativeBuffer? TryDecompressNative(Stream source, long length, long max)
    {
        if (length < 18) return null;
        long start = source.Position;
        Span<byte> trailer = stackalloc byte[8];
        source.Position = start + length - 8;
        bool read = source.ReadAtLeast(trailer, 8, throwOnEndOfStream: false) == 8;
        source.Position = start;
        if (!read) return null;
        uint isize = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        // Only sizes real profiles reach for their compressed length (see Decompress), within the cap.
        if (isize == 0 || isize > max || isize > Array.MaxLength || isize > length * 32 + (1 << 20)) return null;
        var buffer = new NativeBuffer((int)isize);
        bool ok = false;
        try
        {
            using (var gz = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true))
            {
                var span = buffer.GetSpan();
                ok = gz.ReadAtLeast(span, span.Length, throwOnEndOfStream: false) == span.Length && gz.ReadByte() < 0;
            }
            // GZipStream checks the member's CRC against its trailer; a truncated stream it ends early without
            // complaint, but then the last eight bytes are compressed data whose "size" (but for a 2^-32 chance) is
            // not the length of the output, as for Decompress.
        }
        catch (InvalidDataException)
        {
            ok = false;
        }
        finally
        {
            if (!ok)
            {
                ((IDisposable)buffer).Dispose();
                source.Position = start;
            }
        }
        return ok ? buffer : null;
    }

    private static uint[]? s_table;

    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        var table = s_table ??= MakeTable();
        uint c = 0xFFFFFFFF;
        foreach (byte b in data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFF;
    }

    private static uint[] MakeTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }
}
