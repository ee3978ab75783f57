using Microsoft.Diagnostics.Tracing.Etlx;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Collectors;

/// <summary>Builds the mutex profile from ContentionStart (stack, lock owner) and ContentionStop (duration) events,
/// paired per thread. The owning thread at the start of the contention is the <c>owner_thread</c> label.</summary>
internal sealed class ContentionCollector : DelayCollector
{
    private readonly Dictionary<int, (Frame[] Stack, long Owner, SampleLabels Labels)> _pending = new();

    public ContentionCollector() { }

    public override ProfileKind Kind => ProfileKind.Mutex;
    public override long RuntimeKeywords => RuntimeKeyword.Contention;

    public override void Attach(TraceLogEventSource source, StackResolver resolver, SessionContext context)
    {
        lock (Gate) _pending.Clear();
        source.Clr.ContentionStart += e =>
        {
            var stack = resolver.Resolve(e);
            if (stack == null)
            {
                lock (Gate) _pending.Remove(e.ThreadID);
                return;
            }
            var labels = SampleLabels.None.Concat(context.LabelsAt(e.ThreadID, e.TimeStamp.ToUniversalTime()));
            long owner = e.LockOwnerThreadID;
            lock (Gate) _pending[e.ThreadID] = (stack, owner, labels);
        };
        source.Clr.ContentionStop += e =>
        {
            (Frame[] Stack, long Owner, SampleLabels Labels) start;
            lock (Gate)
            {
                if (!_pending.Remove(e.ThreadID, out start)) return;
            }
            var labels = start.Labels;
            if (start.Owner != 0) labels = labels.WithNumber("owner_thread", start.Owner, "");
            Record(start.Stack, e.DurationNs, labels);
        };
    }
}
