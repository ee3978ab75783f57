namespace Pprof.Runtime.Heap;

/// <summary>A read-only pass-through stream that counts the bytes read, to tell when an event stream goes quiet.</summary>
internal sealed class CountingStream : Stream
{
    private readonly Stream _inner;
    private long _bytes;

    public CountingStream(Stream inner) => _inner = inner;

    public long BytesRead => Interlocked.Read(ref _bytes);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = _inner.Read(buffer, offset, count);
        Interlocked.Add(ref _bytes, n);
        return n;
    }

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        Interlocked.Add(ref _bytes, n);
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
