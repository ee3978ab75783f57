namespace Pprof.Profiles;

/// <summary>Limits applied while reading a profile.</summary>
public sealed class ParseOptions
{
    /// <summary>Default limit on decompressed size: 2 GiB minus a little, the largest array .NET allows.</summary>
    public const long DefaultMaxDecompressedBytes = 2_000_000_000;

    /// <summary>The largest number of bytes a gzipped profile may decompress to. A larger one is rejected (protects against gzip bombs).
    /// The environment variable <c>PPROF_MAX_DECOMPRESSED_BYTES</c> overrides the default.</summary>
    public long MaxDecompressedBytes { get; set; } = DefaultFromEnvironment();

    /// <summary>Hold off garbage collections while a large profile is decoded. Everything the decoder allocates is
    /// part of the profile, so collections during decoding only copy it from generation to generation; a one-shot tool
    /// (the CLI) turns this on. It suspends collections for the whole process (a no-GC region), so it is off for
    /// library callers.</summary>
    internal bool DeferCollections { get; init; }

    /// <summary>With <see cref="DeferCollections"/>: leave collections deferred after decoding, with room for what
    /// analysing the profile allocates too, until <see cref="Profile.EndDeferredCollections"/> (or until that room is
    /// used up, when the runtime collects and ends the deferral itself). For a one-shot report, whose heap is mostly
    /// the profile until the process exits, this saves the collection that would otherwise copy the whole profile
    /// into the older generations right after decoding.</summary>
    internal bool KeepCollectionsDeferred { get; init; }

    /// <summary>Shared default options.</summary>
    public static ParseOptions Default { get; } = new();

    private static long DefaultFromEnvironment()
    {
        string? v = Environment.GetEnvironmentVariable("PPROF_MAX_DECOMPRESSED_BYTES");
        return v != null && long.TryParse(v, out long n) && n > 0 ? Math.Min(n, DefaultMaxDecompressedBytes) : DefaultMaxDecompressedBytes;
    }
}
