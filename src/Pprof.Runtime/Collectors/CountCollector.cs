using Pprof.Profiles;
using Microsoft.Diagnostics.Tracing;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Collectors;

/// <summary>Shared part of the profiles that count events by stack (threadcreate, exceptions).</summary>
internal abstract class CountCollector : EventCollector
{
    private readonly ProfileBuilder _builder;

    protected CountCollector(string type)
    {
        _builder = new ProfileBuilder(new[] { new ProfileValueType(type, "count") }, "", new ProfileValueType(type, "count"), 1);
    }

    protected void Count(TraceEvent e, StackResolver resolver, SessionContext context, SampleLabels labels)
    {
        var stack = resolver.Resolve(e);
        if (stack == null) return;
        labels = labels.Concat(context.LabelsAt(e.ThreadID, e.TimeStamp.ToUniversalTime()));
        Span<double> values = stackalloc double[] { 1 };
        lock (Gate) _builder.Add(stack, values, labels);
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
