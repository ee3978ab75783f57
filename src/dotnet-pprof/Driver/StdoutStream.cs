namespace Pprof.Cli.Driver;

/// <summary>Standard output for reports: a write that fails because the reader went away (e.g. <c>| head</c>) raises
/// <see cref="OutputClosedException"/>, which ends the command quietly as a broken pipe ends Go's pprof.</summary>
internal sealed class StdoutStream : Stream
{
    private readonly Stream _inner;

    public StdoutStream(Stream inner) => _inner = inner;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => Guard(() => _inner.Flush());

    public override void Write(byte[] buffer, int offset, int count) => Guard(() => _inner.Write(buffer, offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            _inner.Write(buffer);
        }
        catch (IOException e)
        {
            throw new OutputClosedException(e);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                _inner.Dispose();
            }
            catch (IOException)
            {
            }
        }
        base.Dispose(disposing);
    }

    private static void Guard(Action a)
    {
        try
        {
            a();
        }
        catch (IOException e)
        {
            throw new OutputClosedException(e);
        }
    }
}
