namespace Pprof.History.Internal;

/// <summary>A growable buffer of unsigned and zig-zag varints (the encoding of the store's blobs).</summary>
internal sealed class VarintWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    public void Reset() => _length = 0;

    public void Write(ulong value)
    {
        if (_length + 10 > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + 10));
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    public void Write(long value) => Write((ulong)value);

    public void WriteSigned(long value) => Write((ulong)((value << 1) ^ (value >> 63)));

    public byte[] ToArray() => Span.ToArray();
}
