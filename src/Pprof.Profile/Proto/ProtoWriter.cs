namespace Pprof.Profiles.Proto;

/// <summary>A growable protocol-buffer wire-format writer.</summary>
internal sealed class ProtoWriter
{
    private byte[] _buf;
    private int _len;

    public ProtoWriter(int capacity = 4096) => _buf = new byte[capacity];

    public int Length => _len;

    public ReadOnlySpan<byte> Span => _buf.AsSpan(0, _len);

    private void Ensure(int extra)
    {
        if (_len + extra <= _buf.Length) return;
        int n = Math.Max(_buf.Length * 2, _len + extra);
        Array.Resize(ref _buf, n);
    }

    public void Varint(ulong v)
    {
        Ensure(10);
        while (v >= 0x80)
        {
            _buf[_len++] = (byte)(v | 0x80);
            v >>= 7;
        }
        _buf[_len++] = (byte)v;
    }

    public void Key(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    public void Int64(int field, long v)
    {
        Key(field, 0);
        Varint((ulong)v);
    }

    public void Int64Opt(int field, long v)
    {
        if (v != 0) Int64(field, v);
    }

    public void UInt64Opt(int field, ulong v)
    {
        if (v == 0) return;
        Key(field, 0);
        Varint(v);
    }

    public void BoolOpt(int field, bool v)
    {
        if (v) Int64(field, 1);
    }

    public void String(int field, string s)
    {
        Key(field, 2);
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(s.Length);
        if (max < 128)
        {
            Ensure(1 + max);
            int n = System.Text.Encoding.UTF8.GetBytes(s, 0, s.Length, _buf, _len + 1);
            _buf[_len] = (byte)n;
            _len += 1 + n;
        }
        else
        {
            int n = System.Text.Encoding.UTF8.GetByteCount(s);
            Varint((ulong)n);
            Ensure(n);
            System.Text.Encoding.UTF8.GetBytes(s, 0, s.Length, _buf, _len);
            _len += n;
        }
    }

    /// <summary>Starts a length-delimited message; returns a mark for <see cref="EndMessage"/>.</summary>
    public int BeginMessage(int field)
    {
        Key(field, 2);
        Ensure(5);
        int mark = _len;
        _len += 1; // reserve one byte for the length; moved if longer
        return mark;
    }

    public void EndMessage(int mark)
    {
        int bodyStart = mark + 1;
        int len = _len - bodyStart;
        int lenBytes = VarintSize((ulong)len);
        if (lenBytes > 1)
        {
            Ensure(lenBytes - 1);
            Buffer.BlockCopy(_buf, bodyStart, _buf, bodyStart + lenBytes - 1, len);
            _len += lenBytes - 1;
        }
        int p = mark;
        ulong v = (ulong)len;
        while (v >= 0x80)
        {
            _buf[p++] = (byte)(v | 0x80);
            v >>= 7;
        }
        _buf[p] = (byte)v;
    }

    /// <summary>Writes repeated int64 values as pprof does: packed when there are more than two.</summary>
    public void Int64s(int field, ReadOnlySpan<long> xs)
    {
        if (xs.Length > 2)
        {
            int m = BeginMessage(field);
            foreach (long x in xs) Varint((ulong)x);
            EndMessage(m);
            return;
        }
        foreach (long x in xs) Int64(field, x);
    }

    public void UInt64s(int field, ReadOnlySpan<ulong> xs)
    {
        if (xs.Length > 2)
        {
            int m = BeginMessage(field);
            foreach (ulong x in xs) Varint(x);
            EndMessage(m);
            return;
        }
        foreach (ulong x in xs)
        {
            Key(field, 0);
            Varint(x);
        }
    }

    private static int VarintSize(ulong v)
    {
        int n = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            n++;
        }
        return n;
    }
}
