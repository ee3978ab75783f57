namespace Pprof.Profile.Proto;

/// <summary>A minimal protocol-buffer wire-format reader over a span. Throws <see cref="ProfileFormatException"/> on malformed input.</summary>
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

    /// <summary>Reads the next key; returns false at the end of the data.</summary>
    public bool TryReadKey(out int field, out int wireType)
    {
        if (_pos >= _data.Length)
        {
            field = 0;
            wireType = 0;
            return false;
        }
        ulong key = ReadVarint();
        wireType = (int)(key & 7);
        ulong f = key >> 3;
        if (f == 0 || f > int.MaxValue) throw Malformed("invalid field number");
        field = (int)f;
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        int shift = 0;
        var d = _data;
        int pos = _pos;
        while (true)
        {
            if (pos >= d.Length) throw Malformed("truncated varint");
            byte b = d[pos++];
            if (shift == 63 && b > 1) throw Malformed("varint overflow");
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) break;
            shift += 7;
            if (shift > 63) throw Malformed("varint overflow");
        }
        _pos = pos;
        return result;
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        ulong len = ReadVarint();
        if (len > (ulong)(_data.Length - _pos)) throw Malformed("truncated length-delimited field");
        var s = _data.Slice(_pos, (int)len);
        _pos += (int)len;
        return s;
    }

    /// <summary>Reads a length-delimited field and returns its offset and length in the underlying data.</summary>
    public (int Offset, int Length) ReadBytesRange()
    {
        ulong len = ReadVarint();
        if (len > (ulong)(_data.Length - _pos)) throw Malformed("truncated length-delimited field");
        int off = _pos;
        _pos += (int)len;
        return (off, (int)len);
    }

    /// <summary>Reads a varint-typed field value (wire type 0) or, with wire type 1/5, a fixed value.</summary>
    public ulong ReadScalar(int wireType)
    {
        switch (wireType)
        {
            case 0: return ReadVarint();
            case 1:
                if (_data.Length - _pos < 8) throw Malformed("truncated fixed64");
                ulong v8 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_pos, 8));
                _pos += 8;
                return v8;
            case 5:
                if (_data.Length - _pos < 4) throw Malformed("truncated fixed32");
                uint v4 = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_pos, 4));
                _pos += 4;
                return v4;
            default: throw Malformed("type mismatch");
        }
    }

    /// <summary>Reads a repeated scalar field, packed (wire type 2) or not, appending to <paramref name="into"/>.</summary>
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

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1: Advance(8); break;
            case 2: ReadBytes(); break;
            case 5: Advance(4); break;
            default: throw Malformed("unknown wire type " + wireType);
        }
    }

    private void Advance(int n)
    {
        if (_data.Length - _pos < n) throw Malformed("truncated field");
        _pos += n;
    }

    public static ProfileFormatException Malformed(string what) => new("malformed profile format: " + what);
}
