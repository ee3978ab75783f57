namespace Pprof.History.Internal;

/// <summary>Compares byte arrays by content, with span lookups (no allocation when a cached blob is found).</summary>
internal sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x == null || y == null ? x == y : x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj) => (int)Fnv64.Hash(obj);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => (int)Fnv64.Hash(alternate);

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
