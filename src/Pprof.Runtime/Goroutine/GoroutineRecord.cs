namespace Pprof.Runtime.Goroutine;

/// <summary>One "goroutine" of a .NET process: a managed thread with its current stack, or a pending async operation
/// with its chain of awaiting async methods (innermost first).</summary>
internal sealed class GoroutineRecord
{
    public GoroutineRecord(bool isThread, long id, string name, string state, string waitReason, IReadOnlyList<GoroutineFrame> frames)
    {
        IsThread = isThread;
        Id = id;
        Name = name;
        State = state;
        WaitReason = waitReason;
        Frames = frames;
    }

    /// <summary>True for a thread, false for a pending async chain.</summary>
    public bool IsThread { get; }

    /// <summary>Managed thread id, or the address of the innermost state-machine box.</summary>
    public long Id { get; }

    /// <summary>Thread name (may be empty); for async chains, empty.</summary>
    public string Name { get; }

    /// <summary>"running", "waiting" or "pending".</summary>
    public string State { get; }

    /// <summary>What it waits for: "lock (Monitor.Enter)", "sleep", "await Task&lt;int&gt;", ...; empty when running.</summary>
    public string WaitReason { get; set; }

    /// <summary>How long it has waited, when known.</summary>
    public TimeSpan? WaitTime { get; set; }

    /// <summary>Operating-system thread id (threads), 0 otherwise.</summary>
    public long OSThreadId { get; set; }

    /// <summary>Async state (<c>&lt;&gt;1__state</c>) of the innermost state machine; -1 for threads.</summary>
    public int AsyncState { get; set; } = -1;

    /// <summary>Leaf first.</summary>
    public IReadOnlyList<GoroutineFrame> Frames { get; }
}
