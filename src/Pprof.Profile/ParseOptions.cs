namespace Pprof.Profiles;

/// <summary>Limits applied while reading a profile. Immutable, so <see cref="Default"/> can be shared.</summary>
public sealed class ParseOptions
{
    /// <summary>Default limit on decompressed size: 2 GiB minus a little, the largest array .NET allows.</summary>
    public const long DefaultMaxDecompressedBytes = 2_000_000_000;

    /// <summary>The largest number of bytes a gzipped profile may decompress to. A larger one is rejected (protects against gzip bombs).
    /// The environment variable <c>PPROF_MAX_DECOMPRESSED_BYTES</c> overrides the default.</summary>
    public long MaxDecompressedBytes { get; init; } = DefaultFromEnvironment();

    /// <summary>Shared default options (read-only).</summary>
    public static ParseOptions Default { get; } = new();

    private static long DefaultFromEnvironment()
    {
        string? v = Environment.GetEnvironmentVariable("PPROF_MAX_DECOMPRESSED_BYTES");
        return v != null && long.TryParse(v, out long n) && n > 0 ? Math.Min(n, DefaultMaxDecompressedBytes) : DefaultMaxDecompressedBytes;
    }
}
