using System.IO.Compression;
using Pprof.Profiles.Proto;

namespace Pprof.Profiles;

/// <summary>A profile in the pprof data model (profile.proto): sample types, samples with call stacks, and the
/// location, function and mapping tables the stacks refer to. Read one with <see cref="Parse(Stream, ParseOptions?)"/>,
/// write one with <see cref="Write(Stream)"/>.</summary>
public sealed partial class Profile
{
    /// <summary>What each sample value measures, one entry per value.</summary>
    public List<ProfileValueType> SampleTypes { get; set; } = new();

    /// <summary>The sample type shown by default; empty means the last one.</summary>
    public string DefaultSampleType { get; set; } = "";

    /// <summary>The samples.</summary>
    public List<Sample> Samples { get; set; } = new();

    /// <summary>The mappings.</summary>
    public List<Mapping> Mappings { get; set; } = new();

    /// <summary>The locations.</summary>
    public List<Location> Locations { get; set; } = new();

    /// <summary>The functions.</summary>
    public List<Function> Functions { get; set; } = new();

    /// <summary>Free-form comments.</summary>
    public List<string> Comments { get; set; } = new();

    /// <summary>Regular expression of frames to drop from stacks (with everything below them).</summary>
    public string DropFrames { get; set; } = "";

    /// <summary>Regular expression of frames to keep even when <see cref="DropFrames"/> matches.</summary>
    public string KeepFrames { get; set; } = "";

    /// <summary>Time of collection, in nanoseconds since the Unix epoch.</summary>
    public long TimeNanos { get; set; }

    /// <summary>Duration of the collection, in nanoseconds.</summary>
    public long DurationNanos { get; set; }

    /// <summary>The kind of events between sampled occurrences.</summary>
    public ProfileValueType? PeriodType { get; set; }

    /// <summary>Number of events between sampled occurrences.</summary>
    public long Period { get; set; }

    /// <summary>A URL that documents the profile.</summary>
    public string DocUrl { get; set; } = "";

    /// <summary>Reads a profile from a stream: profile.proto (gzipped or not) or one of the legacy formats pprof reads.
    /// The profile is validated. Throws <see cref="ProfileFormatException"/> with a one-line message on bad input.</summary>
    public static Profile Parse(Stream stream, ParseOptions? options = null)
    {
        options ??= ParseOptions.Default;
        ArgumentNullException.ThrowIfNull(stream);
        // A gzipped file is decompressed straight from the stream, so its compressed bytes are never held in memory
        // next to the decompressed ones and the profile.
        if (stream.CanSeek && Gzip.IsGzipStream(stream, out long compressedLength))
        {
            // A large profile is decompressed outside the managed heap, and that memory is returned as soon as the
            // profile is decoded: the garbage collector never has to copy or scan it.
            if (compressedLength >= NativeDecompressionMinBytes
                && Gzip.TryDecompressNative(stream, compressedLength, options.MaxDecompressedBytes) is { } native)
            {
                using (native)
                {
                    var p = TryParseDecompressedProto(native.Memory);
                    if (p != null) return p;
                    // Not profile.proto: the legacy parsers read arrays.
                    return ParseDecompressed(native.GetSpan().ToArray(), options);
                }
            }
            return ParseDecompressed(Gzip.Decompress(stream, compressedLength, options.MaxDecompressedBytes), options);
        }
        byte[] data = ReadAll(stream, options.MaxDecompressedBytes, "reading profile");
        return Parse(data, options);
    }

    /// <summary>Reads a profile from bytes; see <see cref="Parse(Stream, ParseOptions?)"/>. As in pprof, gzipped data is
    /// decompressed, then read as profile.proto, and when that fails, as each legacy format in turn.</summary>
    public static Profile Parse(byte[] data, ParseOptions? options = null)
    {
        options ??= ParseOptions.Default;
        if (IsGzip(data)) data = Gzip.Decompress(data, options.MaxDecompressedBytes);
        return ParseDecompressed(data, options);
    }

    /// <summary>Reads an uncompressed profile: profile.proto, else each legacy format in turn.</summary>
    private static Profile ParseDecompressed(byte[] data, ParseOptions options)
    {
        var p = TryParseDecompressedProto(data);
        if (p != null) return p;
        Profile? legacy;
        try
        {
            legacy = Legacy.LegacyParser.TryParse(data);
        }
        catch (ProfileFormatException legacyError)
        {
            throw new ProfileFormatException("parsing profile: " + legacyError.Message, legacyError);
        }
        if (legacy == null) throw new ProfileFormatException("parsing profile: unrecognized profile format");
        legacy.CheckValid();
        return legacy;
    }

    /// <summary>Decodes decompressed profile.proto <paramref name="data"/>; null when it is not profile.proto (the
    /// legacy formats are then to be tried).</summary>
    private static Profile? TryParseDecompressedProto(ReadOnlyMemory<byte> data)
    {
        bool decoded = ProfileDecoder.TryDecode(data, out Profile? p, out string? protoError, out bool final);
        if (decoded)
        {
            // The decoder has checked ids and references; what remains of CheckValid is cheap.
            ProfileDecoder.ValidateDecoded(p!);
            return p!;
        }
        // An empty input or concatenated profiles are reported as such; any other proto error means "try the legacy formats".
        if (final) throw DecodeError(protoError!);
        return null;
    }

    /// <summary>Gzipped profiles from this size on are decompressed into native memory.</summary>
    private const long NativeDecompressionMinBytes = 1 << 20;

    /// <summary>Decodes an uncompressed profile.proto message without trying legacy formats or validating.</summary>
    public static Profile ParseUncompressed(ReadOnlySpan<byte> data)
    {
        if (!ProfileDecoder.TryDecode(data, out var p, out string? error, out _)) throw DecodeError(error!);
        return p!;
    }

    /// <summary>pprof's wording: validation problems are "malformed profile: …", everything else "parsing profile: …".</summary>
    private static ProfileFormatException DecodeError(string error) =>
        new(error.StartsWith("malformed profile: ", StringComparison.Ordinal) ? error : "parsing profile: " + error);

    /// <summary>Writes the profile as gzipped profile.proto.</summary>
    public void Write(Stream stream)
    {
        var w = ProfileEncoder.Encode(this);
        using var gz = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
        gz.Write(w.Span);
    }

    /// <summary>Writes the profile as uncompressed profile.proto.</summary>
    public void WriteUncompressed(Stream stream) => stream.Write(ProfileEncoder.Encode(this).Span);

    /// <summary>Returns the uncompressed profile.proto encoding of the profile.</summary>
    public byte[] ToByteArray() => ProfileEncoder.Encode(this).Span.ToArray();

    /// <summary>Returns a deep copy (through an encode/decode round trip, as pprof does).</summary>
    public Profile Copy() => IsCanonical() ? Clone() : ParseUncompressed(ProfileEncoder.Encode(this).Span);

    /// <summary>True when an encode/decode round trip would return the profile unchanged (no empty or unit-less zero
    /// labels, no empty label lists, a period type), so that <see cref="Copy"/> may clone objects directly.</summary>
    private bool IsCanonical()
    {
        if (PeriodType == null) return false;
        foreach (var s in Samples)
        {
            if (s.Labels != null)
            {
                if (s.Labels.Count == 0) return false;
                foreach (var vs in s.Labels.Values)
                {
                    if (vs.Length == 0) return false;
                    foreach (var v in vs) if (v.Length == 0) return false;
                }
            }
            if (s.NumLabels != null)
            {
                if (s.NumLabels.Count == 0) return false;
                foreach (var kv in s.NumLabels)
                {
                    if (kv.Value.Length == 0) return false;
                    string[]? units = null;
                    s.NumUnits?.TryGetValue(kv.Key, out units);
                    if (units != null && units.Length != kv.Value.Length) return false;
                    bool anyUnit = false;
                    for (int i = 0; i < kv.Value.Length; i++)
                    {
                        bool hasUnit = units != null && units[i].Length != 0;
                        anyUnit |= hasUnit;
                        if (kv.Value[i] == 0 && !hasUnit) return false;
                    }
                    if (units != null && !anyUnit) return false;
                }
                if (s.NumUnits != null)
                {
                    foreach (var k in s.NumUnits.Keys) if (!s.NumLabels.ContainsKey(k)) return false;
                }
            }
            else if (s.NumUnits != null)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A deep copy made object by object, with the same ids.</summary>
    private Profile Clone()
    {
        var p = new Profile
        {
            DefaultSampleType = DefaultSampleType, DropFrames = DropFrames, KeepFrames = KeepFrames,
            TimeNanos = TimeNanos, DurationNanos = DurationNanos, PeriodType = PeriodType?.Clone(), Period = Period,
            DocUrl = DocUrl, Comments = new List<string>(Comments),
        };
        foreach (var st in SampleTypes) p.SampleTypes.Add(st.Clone());
        var mappings = new Dictionary<Mapping, Mapping>(Mappings.Count, ReferenceEqualityComparer.Instance);
        foreach (var m in Mappings)
        {
            var c = m.Clone();
            mappings[m] = c;
            p.Mappings.Add(c);
        }
        var functions = new Dictionary<Function, Function>(Functions.Count, ReferenceEqualityComparer.Instance);
        foreach (var f in Functions)
        {
            var c = f.Clone();
            functions[f] = c;
            p.Functions.Add(c);
        }
        var locations = new Dictionary<Location, Location>(Locations.Count, ReferenceEqualityComparer.Instance);
        foreach (var l in Locations)
        {
            var c = l.Clone();
            c.Mapping = l.Mapping == null ? null : mappings.GetValueOrDefault(l.Mapping, l.Mapping);
            var lines = c.Lines;
            for (int i = 0; i < lines.Length; i++)
            {
                var fn = lines[i].Function;
                if (fn != null) lines[i].Function = functions.GetValueOrDefault(fn, fn);
            }
            locations[l] = c;
            p.Locations.Add(c);
        }
        p.Samples.Capacity = Samples.Count;
        foreach (var s in Samples)
        {
            var c = s.Clone();
            var locs = c.Locations;
            for (int i = 0; i < locs.Length; i++) locs[i] = locations.GetValueOrDefault(locs[i], locs[i]);
            p.Samples.Add(c);
        }
        return p;
    }

    /// <summary>Checks the profile's integrity: sample values match sample types, ids are unique and non-zero, and
    /// every location, function and mapping a sample refers to is in the profile's tables. Throws
    /// <see cref="ProfileFormatException"/> naming the problem.</summary>
    public void CheckValid()
    {
        int sampleLen = SampleTypes.Count;
        if (sampleLen == 0 && Samples.Count != 0) throw Invalid("missing sample type information");
        foreach (var s in Samples)
        {
            if (s == null) throw Invalid("profile has nil sample");
            if (s.Values.Length != sampleLen) throw Invalid($"mismatch: sample has {s.Values.Length} values vs. {sampleLen} types");
            foreach (var l in s.Locations)
            {
                if (l == null) throw Invalid("sample has nil location");
            }
        }
        var mappings = new Dictionary<ulong, Mapping>(Mappings.Count);
        foreach (var m in Mappings)
        {
            if (m == null) throw Invalid("profile has nil mapping");
            if (m.Id == 0) throw Invalid("found mapping with reserved ID=0");
            if (!mappings.TryAdd(m.Id, m)) throw Invalid($"multiple mappings with same id: {m.Id}");
        }
        var functions = new Dictionary<ulong, Function>(Functions.Count);
        foreach (var f in Functions)
        {
            if (f == null) throw Invalid("profile has nil function");
            if (f.Id == 0) throw Invalid("found function with reserved ID=0");
            if (!functions.TryAdd(f.Id, f)) throw Invalid($"multiple functions with same id: {f.Id}");
        }
        // Locations are looked up once per frame of every sample: index them by id in a flat array where ids allow.
        var locations = IdMap<Location?>.ForLocations(Locations);
        foreach (var l in Locations)
        {
            if (l == null) throw Invalid("profile has nil location");
            if (l.Id == 0) throw Invalid("found location with reserved id=0");
            if (locations.GetOrDefault(l.Id) != null) throw Invalid($"multiple locations with same id: {l.Id}");
            locations.Set(l.Id, l);
            if (l.Mapping is { } m && (m.Id == 0 || !mappings.TryGetValue(m.Id, out var mm) || !ReferenceEquals(mm, m)))
                throw Invalid($"location {l.Id} refers to mapping {m.Id}, which is not in the profile's mapping table");
            foreach (var ln in l.Lines)
            {
                var f = ln.Function;
                if (f == null) throw Invalid($"location id: {l.Id} has a line with nil function");
                if (f.Id == 0 || !functions.TryGetValue(f.Id, out var ff) || !ReferenceEquals(ff, f))
                    throw Invalid($"location {l.Id} refers to function {f.Id}, which is not in the profile's function table");
            }
        }
        foreach (var s in Samples)
        {
            foreach (var l in s.Locations)
            {
                if (!ReferenceEquals(locations.GetOrDefault(l.Id), l))
                    throw Invalid($"sample refers to location {l.Id}, which is not in the profile's location table");
            }
        }
    }

    private static ProfileFormatException Invalid(string what) => new("malformed profile: " + what);

    internal static bool IsGzip(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b;

    /// <summary>Reads a stream to its end, refusing more than <paramref name="max"/> bytes.</summary>
    internal static byte[] ReadAll(Stream s, long max, string what)
    {
        int hint = 1 << 16;
        if (s.CanSeek)
        {
            long left = s.Length - s.Position;
            if (left > max) throw TooLarge(what, max);
            hint = (int)Math.Max(left + 1, 1);
        }
        var (buf, n) = ReadAllInto(s, max, what, hint);
        return n == buf.Length ? buf : buf.AsSpan(0, n).ToArray();
    }

    /// <summary>Reads a stream to its end into one growing buffer (first sized <paramref name="hint"/>), refusing more than
    /// <paramref name="max"/> bytes. Returns the buffer and the number of bytes in it. Decompression errors become
    /// <see cref="ProfileFormatException"/>s.</summary>
    internal static (byte[] Buffer, int Length) ReadAllInto(Stream s, long max, string what, int hint)
    {
        max = Math.Min(max, Array.MaxLength);
        byte[] buf = new byte[Math.Clamp(hint, 16, (int)Math.Min(max + 1, Array.MaxLength))];
        int len = 0;
        while (true)
        {
            if (len == buf.Length)
            {
                // Full (typically sized exactly from a hint): look for one more byte before doubling the buffer.
                int probe;
                try
                {
                    probe = s.ReadByte();
                }
                catch (InvalidDataException e)
                {
                    throw new ProfileFormatException($"{what}: {e.Message.TrimEnd('.')}", e);
                }
                if (probe < 0) break;
                if (len + 1 > max) throw TooLarge(what, max);
                long next = Math.Min(Math.Max((long)buf.Length * 2, 4096), Math.Min(max + 1, Array.MaxLength));
                if (next <= buf.Length) throw TooLarge(what, max);
                Array.Resize(ref buf, (int)next);
                buf[len++] = (byte)probe;
            }
            int n;
            try
            {
                n = s.Read(buf, len, buf.Length - len);
            }
            catch (InvalidDataException e)
            {
                throw new ProfileFormatException($"{what}: {e.Message.TrimEnd('.')}", e);
            }
            catch (EndOfStreamException e)
            {
                throw new ProfileFormatException($"{what}: unexpected EOF", e);
            }
            if (n == 0) break;
            len += n;
            if (len > max) throw TooLarge(what, max);
        }
        return (buf, len);
    }

    private static ProfileFormatException TooLarge(string what, long max) =>
        new($"{what}: data exceeds the limit of {max} bytes (set PPROF_MAX_DECOMPRESSED_BYTES to raise it)");
}
