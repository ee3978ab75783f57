using System.Buffers.Binary;
using System.Runtime;

namespace Pprof.Cli.Driver;

/// <summary>The command line's garbage-collection policy. A one-shot run is the only thing in its process, and nearly
/// everything it allocates while decoding a large profile is the profile itself, which lives until the process exits:
/// collections then would only copy it from generation to generation. So collections are held off (a no-GC region)
/// from decoding to the end of the report, or only while decoding for an interactive session. This is process-wide
/// state, which is why the libraries never touch it.</summary>
internal sealed class GcPolicy
{
    /// <summary>Profiles that decode to less than this are quick enough with collections on.</summary>
    private const long MinDecodedBytes = 8 << 20;

    /// <summary>Decoding a large profile allocates about six times the message's size.</summary>
    private const long BytesPerByteForDecoding = 8;

    /// <summary>Decoding and then one report (merge, aggregation, graphs) allocate about seven times the message's size
    /// on large profiles; more for profiles whose call graph has millions of edges.</summary>
    private const long BytesPerByteForReport = 10;

    private readonly bool _throughReport;

    private GcPolicy(bool throughReport) => _throughReport = throughReport;

    /// <summary>Collections held off while decoding only (an interactive session, the web UI).</summary>
    public static GcPolicy DeferWhileDecoding { get; } = new(throughReport: false);

    /// <summary>Collections held off from decoding to <see cref="End"/>, after the one report.</summary>
    public static GcPolicy DeferThroughReport { get; } = new(throughReport: true);

    /// <summary>Holds off collections before the profile in <paramref name="input"/> (a seekable stream at its start)
    /// is decoded, when it is large enough to gain from it. The runtime may refuse; then nothing changes.</summary>
    public void BeforeDecode(Stream input)
    {
        long decoded = DecodedSize(input);
        if (decoded < MinDecodedBytes) return;
        long budget = Math.Min(decoded * (_throughReport ? BytesPerByteForReport : BytesPerByteForDecoding), 4L << 30);
        try
        {
            GC.TryStartNoGCRegion(budget);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // Too large for the runtime, or a region is already in place (several sources).
        }
    }

    /// <summary>After a profile is decoded (or failed to decode): ends the deferral unless it lasts through the report.</summary>
    public void AfterDecode(bool decoded)
    {
        if (!decoded || !_throughReport) End();
    }

    /// <summary>Ends any deferral (nothing when there is none, or when the runtime already ended it because the
    /// allocations outgrew it).</summary>
    public static void End()
    {
        try
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>The size <paramref name="input"/> decodes from: a gzip stream's trailer gives its decompressed size
    /// (modulo 4 GiB; profiles are capped below that); any other stream is its own length.</summary>
    private static long DecodedSize(Stream input)
    {
        if (!input.CanSeek) return 0;
        long start = input.Position, length = input.Length - start;
        if (length < 18) return length;
        Span<byte> head = stackalloc byte[2];
        Span<byte> trailer = stackalloc byte[4];
        try
        {
            input.ReadExactly(head);
            if (head[0] != 0x1f || head[1] != 0x8b) return length;
            input.Position = input.Length - 4;
            input.ReadExactly(trailer);
            return Math.Max(length, BinaryPrimitives.ReadUInt32LittleEndian(trailer));
        }
        finally
        {
            input.Position = start;
        }
    }
}
