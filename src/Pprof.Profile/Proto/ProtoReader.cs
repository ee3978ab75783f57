namespace Pprof.Profiles.Proto;

/// <summary>A minimal protocol-buffer wire-format reader over a span, with the rules of pprof's own decoder: varints of
/// at most ten bytes, field 0 and unknown fields skipped, groups rejected. Throws <see cref="ProtoException"/>.</summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly bool End => _pos >= _data.Length;

    public readonly int Position => _pos;

    /// <summary>Reads the next key; returns false at the end of the data. Field numbers too large for an int become
    /// <see cref="int.MaxValue"/> (an unknown field).</summary>
    public bool TryReadKey(out int field, out int wireType)
    {
        if (_pos >= _data.Length)
        {
            field = 0;
            wireType = 0;
            return false;
        }
        ulong key;
        byte b = _data[_pos];
        if (b < 0x80)
        {
            _pos++;
            key = b;
        }
        else
        {
            key = ReadVarint();
        }
        wireType = (int)(key & 7);
        ulong f = key >> 3;
        field = f > int.MaxValue ? int.MaxValue : (int)f;
        return true;
    }

    public ulong ReadVarint()
    {
        var d = _data;
        int pos = _pos;
        if (pos < d.Length && d[pos] < 0x80)
        {
            _pos = pos + 1;
            return d[pos];
        }
        ulong result = 0;
        for (int i = 0; ; i++)
        {
            if (i >= 10 || pos >= d.Length) throw new ProtoException("bad varint");
            byte b = d[pos++];
            result |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80) break;
        }
        _pos = pos;
        return result;
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var (off, len) = ReadBytesRange();
        return _data.Slice(off, len);
    }

    /// <summary>Reads a length-delimited field and returns its offset and length in the underlying data.</summary>
    public (int Offset, int Length) ReadBytesRange()
    {
        ulong len = ReadVarint();
        if (len > (ulong)(_data.Length - _pos)) throw new ProtoException("too much data");
        int off = _pos;
        _pos += (int)len;
        return (off, (int)len);
    }

    /// <summary>Reads an integer field value, which pprof requires to be a varint (wire type 0).</summary>
    public ulong ReadScalar(int wireType)
    {
        if (wireType != 0)
        {
            SkipValue(wireType);
            throw new ProtoException("type mismatch");
        }
        return ReadVarint();
    }

    /// <summary>Reads a repeated integer field, packed (wire type 2) or not, appending to <paramref name="into"/>.</summary>
    public void ReadRepeated(int wireType, List<ulong> into)
    {
        if (wireType == 2)
        {
            var inner = new ProtoReader(ReadBytes());
            while (!inner.End) into.Add(inner.ReadVarint());
        }
        else
        {
            into.Add(ReadScalar(wireType));
        }
    }

    /// <summary>Skips a field's value of the given wire type.</summary>
    public void Skip(int wireType) => SkipValue(wireType);

    private void SkipValue(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1: Advance(8); break;
            case 2: ReadBytesRange(); break;
            case 5: Advance(4); break;
            default: throw new ProtoException("unknown wire type: " + wireType);
        }
    }

    private void Advance(int n)
    {
        if (_data.Length - _pos < n) throw new ProtoException("not enough data");
        _pos += n;
    }
}

/// <summary>A wire-format error in profile.proto data: the data is not a (valid) profile.proto message.</summary>
internal sealed class ProtoException : Exception
{
    public ProtoException(string message) : base(message) { }
}
