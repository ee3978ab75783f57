using System.Buffers.Binary;
using System.IO.Compression;

namespace Pprof.Profile.Proto;

/// <summary>Gzip decompression with the checks .NET's <see cref="GZipStream"/> leaves out: a truncated stream (which
/// GZipStream ends silently, returning short data) or trailing garbage is an error, as it is for Go's gzip reader;
/// and the output is capped (gzip bombs).</summary>
internal static class Gzip
{
    /// <summary>Decompresses <paramref name="data"/> (one or more gzip members). Throws <see cref="ProfileFormatException"/>
    /// ("decompressing profile: …") for corrupt or truncated data or output beyond <paramref name="max"/> bytes.</summary>
    public static byte[] Decompress(byte[] data, long max)
    {
        const string what = "decompressing profile";
        if (data.Length < 18) throw new ProfileFormatException(what + ": unexpected EOF");
        // The last member's trailer: CRC-32 and size (mod 2^32) of that member's output. It also sizes the output buffer.
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 8));
        uint isize = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 4));
        // The claimed size sizes the output buffer, but only up to a ratio real profiles do not exceed (they compress
        // about 3-10x), so a small input claiming gigabytes cannot make us allocate them before any data arrives.
        long hint = Math.Min(Math.Min(isize, (long)data.Length * 32 + (1 << 20)), max);
        byte[] output;
        int length;
        using (var gz = new GZipStream(new MemoryStream(data, writable: false), CompressionMode.Decompress))
        {
            (output, length) = Profile.ReadAllInto(gz, max, what, (int)Math.Max(hint, 4096));
        }
        // GZipStream checks each member's CRC when the member's trailer is there; a truncated stream it ends early without
        // complaint, so the last eight bytes are then compressed data that (but for a 2^-32 chance) do not match the output.
        if ((uint)length != isize)
        {
            // Multi-member streams: the trailer covers only the last member's output.
            if (isize > (uint)length || Crc32(output.AsSpan(length - (int)isize, (int)isize)) != crc)
                throw new ProfileFormatException(what + ": unexpected EOF (gzip data truncated or corrupt)");
        }
        if (length == output.Length) return output;
        return output.AsSpan(0, length).ToArray();
    }

    private static uint[]? _table;

    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        var table = _table ??= MakeTable();
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
