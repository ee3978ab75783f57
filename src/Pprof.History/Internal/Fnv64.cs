namespace Pprof.History.Internal;

/// <summary>64-bit FNV-1a with a final mix: the key under which blobs are looked up in the store (collisions are
/// resolved by comparing contents, so the hash needs no cryptographic strength).</summary>
internal static class Fnv64
{
    public static ulong Hash(ReadOnlySpan<byte> data)
    {
        ulong h = 14695981039346656037;
        foreach (byte b in data)
        {
            h ^= b;
            h *= 1099511628211;
        }
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccd;
        h ^= h >> 33;
        return h;
    }
}
