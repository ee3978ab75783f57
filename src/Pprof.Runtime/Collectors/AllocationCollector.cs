using Microsoft.Diagnostics.Tracing.Etlx;
using Pprof.Runtime.Internal;
using PValueType = Pprof.Profile.ValueType;

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
        new[] { new PValueType("alloc_objects", "count"), new PValueType("alloc_space", "bytes") },
        "alloc_space", new PValueType("space", "bytes"), (long)SamplingMeanBytes);

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
        source.Clr.AllocationSampling += e =>
        {
            var stack = resolver.Resolve(e);
            if (stack == null) return;
            string type = string.IsNullOrEmpty(e.TypeName) ? "[unknown type]" : FrameNames.FormatType(e.TypeName);
            long size = e.ObjectSize;
            var full = new Frame[stack.Length + 1];
            full[0] = resolver.Named(type);
            stack.CopyTo(full, 1);
            double count = Upscale(size);
            var labels = new SampleLabels(new[] { new KeyValuePair<string, string>("type", type) })
                .WithNumber("bytes", size, "bytes")
                .Concat(context.LabelsAt(e.ThreadID, e.TimeStamp.ToUniversalTime()));
            Span<double> values = stackalloc double[] { count, count * size };
            lock (Gate) _builder.Add(full, values, labels);
        };
    }

    public override Pprof.Profile.Profile Snapshot(DateTime start, TimeSpan duration, IEnumerable<string> comments)
    {
        lock (Gate) return _builder.Build(start, duration, comments);
    }

    public override void Reset()
    {
        lock (Gate) _builder.Clear();
    }
}
