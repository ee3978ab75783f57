namespace Pprof.History.Internal;

/// <summary>Reads what <see cref="VarintWriter"/> wrote; damaged data throws <see cref="InvalidDataException"/>.</summary>
internal ref struct VarintReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public VarintReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool End => _position >= _data.Length;

    public ulong ReadUInt64()
    {
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length) throw Damaged();
            byte b = _data[_position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
        throw Damaged();
    }

    public long ReadInt64() => (long)ReadUInt64();

    public long ReadSigned()
    {
        ulong v = ReadUInt64();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    /// <summary>Reads a count that must fit in what remains of the data (each item takes at least one byte).</summary>
    public int ReadCount()
    {
        ulong n = ReadUInt64();
        if (n > (ulong)(_data.Length - _position)) throw Damaged();
        return (int)n;
    }

    public static InvalidDataException Damaged() => new("profile store: damaged record");
}
