namespace Pprof.Runtime.Tracing;

/// <summary>A region of an execution trace (see <see cref="ExecutionTrace.StartRegion"/>): a value, so that starting
/// one allocates nothing. Dispose it once (<c>using</c>); the default value (no trace was recording) does nothing.</summary>
public readonly struct TraceRegion : IDisposable, IEquatable<TraceRegion>
{
    private readonly string? _name;

    internal TraceRegion(long id, long taskId, string name)
    {
        Id = id;
        TaskId = taskId;
        _name = name;
    }

    /// <summary>The region's id in the trace; 0 when no trace was recording when it started.</summary>
    public long Id { get; }

    /// <summary>The id of the task the region belongs to; 0 for none.</summary>
    public long TaskId { get; }

    /// <summary>The region's name.</summary>
    public string Name => _name ?? "";

    /// <summary>Ends the region.</summary>
    public void Dispose()
    {
        if (Id != 0 && TraceEventSource.Log.IsEnabled()) TraceEventSource.Log.RegionEnd(Id, TaskId, Name);
    }

    /// <inheritdoc/>
    public bool Equals(TraceRegion other) => Id == other.Id && TaskId == other.TaskId;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TraceRegion other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, TaskId);

    /// <summary>Equality of two regions (same id).</summary>
    public static bool operator ==(TraceRegion left, TraceRegion right) => left.Equals(right);

    /// <summary>Inequality of two regions.</summary>
    public static bool operator !=(TraceRegion left, TraceRegion right) => !left.Equals(right);
}
