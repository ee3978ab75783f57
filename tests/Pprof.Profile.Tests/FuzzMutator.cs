using System.IO.Compression;
using System.Text;

namespace Pprof.Profiles.Fuzzing;

/// <summary>Mutates profile inputs for fuzzing <see cref="Profile.Parse(byte[], ParseOptions?)"/>: bit flips, byte
/// overwrites, truncation, splices from other inputs, duplicated and deleted ranges, corrupted varints and lengths,
/// and text edits (huge numbers, stray lines) for the legacy text formats. Shared by the property test and the
/// <c>Pprof.Fuzz</c> console harness.</summary>
internal sealed class FuzzMutator
{
    private readonly Random _rng;
    private readonly List<byte[]> _seeds;

    public FuzzMutator(IEnumerable<byte[]> seeds, int seed)
    {
        _rng = new Random(seed);
        _seeds = new List<byte[]>();
        foreach (var s in seeds)
        {
            _seeds.Add(s);
            // Mutating the payload of a gzipped seed reaches the decoders; mutating the gzip bytes mostly tests gzip.
            if (s.Length > 2 && s[0] == 0x1f && s[1] == 0x8b)
            {
                try
                {
                    using var gz = new GZipStream(new MemoryStream(s), CompressionMode.Decompress);
                    var ms = new MemoryStream();
                    gz.CopyTo(ms);
                    _seeds.Add(ms.ToArray());
                }
                catch (InvalidDataException)
                {
                }
            }
        }
    }

    /// <summary>Loads every file of a directory as seeds (files over <paramref name="maxBytes"/> are left out).</summary>
    public static List<byte[]> LoadSeeds(string dir, long maxBytes = 200_000) =>
        Directory.GetFiles(dir).Order(StringComparer.Ordinal).Where(f => new FileInfo(f).Length <= maxBytes).Select(File.ReadAllBytes).ToList();

    /// <summary>Returns a new mutated input: a random seed with one to four mutations, sometimes gzipped afterwards.</summary>
    public byte[] Next()
    {
        var data = new List<byte>(_seeds[_rng.Next(_seeds.Count)]);
        int n = 1 + _rng.Next(4);
        for (int i = 0; i < n; i++) Mutate(data);
        var result = data.ToArray();
        if (_rng.Next(8) == 0)
        {
            var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(result);
            result = ms.ToArray();
        }
        return result;
    }

    private static readonly byte[] s_interesting = { 0x00, 0x01, 0x7f, 0x80, 0xff, (byte)'\n', (byte)' ', (byte)'0', (byte)'x', (byte)'-', (byte)'@', (byte)'=' };

    private static readonly string[] s_textInserts =
    {
        "\n", "99999999999999999999999", "18446744073709551616", "-9223372036854775808", " @ 0xffffffffffffffffff",
        "--- Memory map: ---\n", "MAPPED_LIBRARIES:\n", "0-ffffffffffffffff r-xp 0 00:00 0 /x\n", " 0x", "0x0 ", "# ",
        "heap profile: 1: 1 [ 1: 1] @ heap/0\n", "--- threadz 1 ---\n", "same as previous thread\n", "$a", "a=b\n",
        "--- Thread 1 (name: x/1) stack: ---\n", "cycles/second = 0\n", "sampling period = -1\n", "0: 0 [0: 0] @\n",
        "format = java\n", "resolution = x\n", "09", "0b1_0", "\r\n", "\t", "(", ":", ")",
    };

    private void Mutate(List<byte> d)
    {
        int kind = _rng.Next(d.Count == 0 ? 1 : 11);
        int Pos() => d.Count == 0 ? 0 : _rng.Next(d.Count);
        switch (kind)
        {
            case 0:
                // Insert text (also the only option for empty data).
                d.InsertRange(d.Count == 0 ? 0 : Pos(), Encoding.ASCII.GetBytes(s_textInserts[_rng.Next(s_textInserts.Length)]));
                break;
            case 1:
                {
                    int flips = 1 + _rng.Next(8);
                    for (int i = 0; i < flips; i++)
                    {
                        int p = Pos();
                        d[p] ^= (byte)(1 << _rng.Next(8));
                    }
                    break;
                }
            case 2:
                d[Pos()] = s_interesting[_rng.Next(s_interesting.Length)];
                break;
            case 3:
                // Truncate.
                {
                    int at = Pos();
                    d.RemoveRange(at, d.Count - at);
                    break;
                }
            case 4:
                {
                    // Splice a chunk of another seed in, replacing or inserting.
                    var other = _seeds[_rng.Next(_seeds.Count)];
                    if (other.Length == 0) break;
                    int from = _rng.Next(other.Length);
                    int len = Math.Min(other.Length - from, 1 + _rng.Next(256));
                    int at = Pos();
                    if (_rng.Next(2) == 0) d.RemoveRange(at, Math.Min(len, d.Count - at));
                    d.InsertRange(at, other.AsSpan(from, len).ToArray());
                    break;
                }
            case 5:
                {
                    // Duplicate a range.
                    int at = Pos();
                    int len = Math.Min(d.Count - at, 1 + _rng.Next(512));
                    d.InsertRange(at, d.GetRange(at, len));
                    break;
                }
            case 6:
                {
                    int at = Pos();
                    d.RemoveRange(at, Math.Min(d.Count - at, 1 + _rng.Next(64)));
                    break;
                }
            case 7:
                {
                    // Corrupt a varint: turn a byte into a continuation byte, or insert a long (ten-byte or overlong) varint.
                    int at = Pos();
                    if (_rng.Next(2) == 0) d[at] |= 0x80;
                    else d.InsertRange(at, _rng.Next(3) switch
                    {
                        0 => new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f },
                        1 => new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 },
                        _ => new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 },
                    });
                    break;
                }
            case 8:
                {
                    // Corrupt a length: find a length-delimited key (wire type 2) and change the byte after it.
                    for (int tries = 0; tries < 16; tries++)
                    {
                        int at = Pos();
                        if ((d[at] & 7) == 2 && at + 1 < d.Count)
                        {
                            d[at + 1] = (byte)_rng.Next(256);
                            break;
                        }
                    }
                    break;
                }
            case 9:
                {
                    // Replace a run of digits with a huge or odd number.
                    int at = Pos();
                    while (at < d.Count && (d[at] < '0' || d[at] > '9')) at++;
                    int end = at;
                    while (end < d.Count && d[end] >= '0' && d[end] <= '9') end++;
                    if (at >= d.Count) break;
                    d.RemoveRange(at, end - at);
                    string[] nums = { "0", "1", "99999999999999999999", "9223372036854775807", "4294967295", "00", "077", "-1" };
                    d.InsertRange(at, Encoding.ASCII.GetBytes(nums[_rng.Next(nums.Length)]));
                    break;
                }
            default:
                d.InsertRange(Pos(), Encoding.ASCII.GetBytes(s_textInserts[_rng.Next(s_textInserts.Length)]));
                break;
        }
    }

    /// <summary>Parses one input and checks the outcome: a valid profile (which must also survive the text form and an
    /// encode/decode round trips) or a <see cref="ProfileFormatException"/>. Returns null when fine, else what went wrong.</summary>
    public static string? Check(byte[] input)
    {
        Profile p;
        try
        {
            p = Profile.Parse(input, new ParseOptions { MaxDecompressedBytes = 64 << 20 });
        }
        catch (ProfileFormatException)
        {
            return null;
        }
        catch (Exception e)
        {
            return "Parse threw " + e;
        }
        try
        {
            p.CheckValid();
            _ = p.ToString();
            // One encode/decode may drop what profile.proto cannot carry (a numeric label of 0 without a unit, as pprof
            // drops it too); after that, round trips must be exact.
            var once = Profile.Parse(p.ToByteArray());
            byte[] onceBytes = once.ToByteArray();
            var twice = Profile.Parse(onceBytes);
            if (twice.ToString() != once.ToString() || !twice.ToByteArray().AsSpan().SequenceEqual(onceBytes)) return "round trip changed the profile";
        }
        catch (Exception e)
        {
            return "valid profile failed afterwards: " + e;
        }
        return null;
    }
}
