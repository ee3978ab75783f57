using System.IO.Compression;
using Pprof.Profile.Proto;

namespace Pprof.Profile;

/// <summary>A profile in the pprof data model (profile.proto): sample types, samples with call stacks, and the
/// location, function and mapping tables the stacks refer to. Read one with <see cref="Parse(Stream, ParseOptions?)"/>,
/// write one with <see cref="Write(Stream)"/>.</summary>
public sealed partial class Profile
{
    /// <summary>What each sample value measures, one entry per value.</summary>
    public List<ValueType> SampleTypes { get; set; } = new();

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
    public ValueType? PeriodType { get; set; }

    /// <summary>Number of events between sampled occurrences.</summary>
    public long Period { get; set; }

    /// <summary>A URL that documents the profile.</summary>
    public string DocUrl { get; set; } = "";

    /// <summary>Reads a profile from a stream: profile.proto (gzipped or not) or one of the legacy formats pprof reads.
    /// The profile is validated. Throws <see cref="ProfileFormatException"/> with a one-line message on bad input.</summary>
    public static Profile Parse(Stream stream, ParseOptions? options = null)
    {
        options ??= ParseOptions.Default;
        byte[] data = ReadAll(stream, options.MaxDecompressedBytes, "reading profile");
        return Parse(data, options);
    }

    /// <summary>Reads a profile from bytes; see <see cref="Parse(Stream, ParseOptions?)"/>.</summary>
    public static Profile Parse(byte[] data, ParseOptions? options = null)
    {
        options ??= ParseOptions.Default;
        if (IsGzip(data))
        {
            using var gz = new GZipStream(new MemoryStream(data, writable: false), CompressionMode.Decompress);
            data = ReadAll(gz, options.MaxDecompressedBytes, "decompressing profile");
        }
        Profile p;
        try
        {
            p = ParseUncompressed(data);
        }
        catch (ProfileFormatException protoError) when (data.Length != 0)
        {
            Profile? legacy;
            try
            {
                legacy = Legacy.LegacyParser.TryParse(data);
            }
            catch (ProfileFormatException legacyError)
            {
                throw new ProfileFormatException("parsing profile: " + legacyError.Message, legacyError);
            }
            if (legacy == null) throw new ProfileFormatException("parsing profile: unrecognized profile format (" + protoError.Message + ")", protoError);
            p = legacy;
        }
        catch (ProfileFormatException e)
        {
            throw new ProfileFormatException("parsing profile: " + e.Message, e);
        }
        p.CheckValid();
        return p;
    }

    /// <summary>Decodes an uncompressed profile.proto message without trying legacy formats or validating.</summary>
    public static Profile ParseUncompressed(ReadOnlySpan<byte> data) => ProfileDecoder.Decode(data);

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
    public Profile Copy() => ParseUncompressed(ProfileEncoder.Encode(this).Span);

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
        var locations = new Dictionary<ulong, Location>(Locations.Count);
        foreach (var l in Locations)
        {
            if (l == null) throw Invalid("profile has nil location");
            if (l.Id == 0) throw Invalid("found location with reserved id=0");
            if (!locations.TryAdd(l.Id, l)) throw Invalid($"multiple locations with same id: {l.Id}");
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
                if (!locations.TryGetValue(l.Id, out var ll) || !ReferenceEquals(ll, l))
                    throw Invalid($"sample refers to location {l.Id}, which is not in the profile's location table");
            }
        }
    }

    private static ProfileFormatException Invalid(string what) => new("malformed profile: " + what);

    internal static bool IsGzip(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b;

    /// <summary>Reads a stream to its end, refusing more than <paramref name="max"/> bytes.</summary>
    internal static byte[] ReadAll(Stream s, long max, string what)
    {
        var ms = new MemoryStream();
        byte[] buf = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            while (true)
            {
                int n;
                try
                {
                    n = s.Read(buf, 0, buf.Length);
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
                if (ms.Length + n > max)
                    throw new ProfileFormatException($"{what}: data exceeds the limit of {max} bytes (set PPROF_MAX_DECOMPRESSED_BYTES to raise it)");
                ms.Write(buf, 0, n);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buf);
        }
        return ms.Length == ms.GetBuffer().Length ? ms.GetBuffer() : ms.ToArray();
    }
}
