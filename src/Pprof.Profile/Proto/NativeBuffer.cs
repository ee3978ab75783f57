using System.Buffers;
using System.Runtime.InteropServices;

namespace Pprof.Profiles.Proto;

/// <summary>A byte buffer outside the garbage-collected heap, returned to the system on <see cref="IDisposable.Dispose"/>.
/// A large decompressed profile is decoded from one of these while collections are deferred: a managed buffer would
/// stay in the heap, dead but uncollected, until the next collection.</summary>
internal sealed unsafe class NativeBuffer : MemoryManager<byte>
{
    private byte* _pointer;
    private readonly int _length;

    public NativeBuffer(int length)
    {
        _pointer = (byte*)NativeMemory.Alloc((nuint)Math.Max(length, 1));
        _length = length;
    }

    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        return new Span<byte>(_pointer, _length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (_pointer == null) return;
        NativeMemory.Free(_pointer);
        _pointer = null;
    }
}
