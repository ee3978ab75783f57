using Pprof.Profiles;
using Microsoft.Diagnostics.Tracing.Etlx;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Collectors;

/// <summary>Builds the allocs profile from AllocationSampled events (.NET 10). The runtime samples allocated bytes as a
/// Poisson process with a 100 KiB mean, so an object of size s is sampled with probability 1-(1-1/102400)^s; each
/// sample is upscaled by the inverse of that probability, which makes the totals unbiased per type. The allocated type
/// is the leaf frame and a label; the object size is a numeric label.</summary>
internal sealed class AllocationCollector : EventCollector
{
    /// <summary>Mean bytes between sampled allocations.</summary>
    public const double SamplingMeanBytes = 102400;

    private readonly ProfileBuilder _builder = new(
        new[] { new ProfileValueType("alloc_objects", "count"), new ProfileValueType("alloc_space", "bytes") },
        "alloc_space", new ProfileValueType("space", "bytes"), (long)SamplingMeanBytes);

    public override ProfileKind Kind => ProfileKind.Allocs;
    public override long RuntimeKeywords => RuntimeKeyword.AllocationSampling;

    /// <summary>Expected number of objects represented by one sample of an object of <paramref name="size"/> bytes.</summary>
    public static double Upscale(long size)
    {
        if (size <= 0) return 1;
        double p = -double.ExpM1(size * double.LogP1(-1.0 / SamplingMeanBytes));
        return p <= 0 ? 1 : 1 / p;
    }

    public override void Attach(TraceLogEventSource source, StackResolver resolver, SessionContext context)
    {
        // One allocation-heavy thread produces tens of thousands of samples a second: everything an event needs beyond
        // its stack (type name, full stack with the type as leaf, labels) is made once per (stack, type, size) and
        // reused, so the reader neither formats nor allocates per event (in-process, its garbage is the host's).
        var shapes = new Dictionary<ShapeKey, (Frame[] Stack, SampleLabels Labels)>();
        var typeNames = new Dictionary<ulong, string>();
        source.Clr.AllocationSampling += e =>
        {
            var stack = resolver.Resolve(e);
            if (stack == null) return;
            long size = e.ObjectSize;
            var key = new ShapeKey(stack, e.TypeID, size);
            if (!shapes.TryGetValue(key, out var shape))
            {
                if (!typeNames.TryGetValue(e.TypeID, out string? type))
                {
                    string raw = e.TypeName;
                    type = TypeNames.Format(raw);
                    // Type ids are method-table addresses: an unnamed id may get its name later.
                    if (!string.IsNullOrEmpty(raw)) typeNames.Add(e.TypeID, type);
                }
                var full = new Frame[stack.Length + 1];
                full[0] = resolver.Named(type);
                stack.CopyTo(full, 1);
                shape = (full, new SampleLabels(new[] { new KeyValuePair<string, string>("type", type) }).WithNumber("bytes", size, "bytes"));
                shapes.Add(key, shape);
            }
            double count = Upscale(size);
            var labels = context.InProcess ? shape.Labels.Concat(context.LabelsAt(e.ThreadID, e.TimeStamp.ToUniversalTime())) : shape.Labels;
            Span<double> values = stackalloc double[] { count, count * size };
            lock (Gate) _builder.Add(shape.Stack, values, labels);
        };
    }

    /// <summary>What makes two allocation samples the same sample: the resolved stack (interned by the resolver), the
    /// type and the object size.</summary>
    private readonly struct ShapeKey : IEquatable<ShapeKey>
    {
        private readonly Frame[] _stack;
        private readonly ulong _type;
        private readonly long _size;

        public ShapeKey(Frame[] stack, ulong type, long size)
        {
            _stack = stack;
            _type = type;
            _size = size;
        }

        public bool Equals(ShapeKey other) => ReferenceEquals(_stack, other._stack) && _type == other._type && _size == other._size;

        public override bool Equals(object? obj) => obj is ShapeKey k && Equals(k);

        public override int GetHashCode() => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_stack), _type, _size);
    }

    public override Profile Snapshot(DateTime start, TimeSpan duration, IEnumerable<string> comments)
    {
        lock (Gate) return _builder.Build(start, duration, comments);
    }

    public override void Reset()
    {
        lock (Gate) _builder.Clear();
    }
}
