using Pprof.Profiles;
using Microsoft.Diagnostics.Tracing.Etlx;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Collectors;

/// <summary>Turns one family of runtime events into one kind of profile. A collector outlives sessions: it can be
/// attached to a new session (after a rate change) and keeps what it has accumulated. Snapshots may be taken while
/// events are still arriving; implementations lock <see cref="Gate"/>.</summary>
internal abstract class EventCollector
{
    protected readonly object Gate = new();

    /// <summary>The profile kind this collector builds.</summary>
    public abstract ProfileKind Kind { get; }

    /// <summary>Runtime provider keywords the collector needs (beyond method-name resolution).</summary>
    public abstract long RuntimeKeywords { get; }

    /// <summary>Whether the collector needs the SampleProfiler provider.</summary>
    public virtual bool NeedsSampleProfiler => false;

    /// <summary>Whether the collector resolves raw instruction pointers (<see cref="StackResolver.FrameOfAddress"/>):
    /// the session then keeps every code body's method and module.</summary>
    public virtual bool NeedsMethodNames => false;

    /// <summary>Whether the collector resolves the call stacks EventPipe attaches to events (<see cref="StackResolver.Resolve"/>):
    /// the session's trace log then runs a start rundown to name the code jitted before the session. A session whose
    /// collectors all answer false skips it (their raw addresses are named through the code rundown alone).</summary>
    public virtual bool NeedsEventStacks => true;

    /// <summary>Whether the collector labels samples with the profiler labels in effect when they were taken: in-process,
    /// the label history is then recorded while the session runs.</summary>
    public virtual bool UsesLabels => NeedsSampleProfiler;

    /// <summary>Whether the session reads the process's thread names (and CPU times) while it runs.</summary>
    public virtual bool NeedsThreadNames => NeedsSampleProfiler;

    /// <summary>Called before the session on <paramref name="processId"/> starts, before its providers are chosen
    /// (<see cref="NeedsSampleProfiler"/> may depend on what happens here).</summary>
    public virtual void BeforeSession(int processId)
    {
    }

    /// <summary>Called when the session is asked to stop (or could not start): the end of the profile's window.</summary>
    public virtual void SessionEnding()
    {
    }

    /// <summary>Called when a session for this collector starts, before any event is read: the place to start
    /// session-wide readings the events will be matched with.</summary>
    public virtual void SessionStarting(SessionContext context)
    {
    }

    /// <summary>Subscribes to events on a new session's source. Called on the session's event thread.</summary>
    public abstract void Attach(TraceLogEventSource source, StackResolver resolver, SessionContext context);

    /// <summary>Builds a profile of everything accumulated so far.</summary>
    public abstract Profile Snapshot(DateTime start, TimeSpan duration, IEnumerable<string> comments);

    /// <summary>Forgets everything accumulated.</summary>
    public abstract void Reset();
}
