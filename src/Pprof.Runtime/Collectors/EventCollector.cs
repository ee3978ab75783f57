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
