namespace Pprof.Agent;

/// <summary>Where a <see cref="ContinuousProfiler"/> sends its batches: the embedded store
/// (<see cref="ProfileStoreSink"/>), Grafana Pyroscope (<see cref="PyroscopeSink"/>) or your own. Each sink is called
/// by one task at a time, from a bounded queue of its own.</summary>
public interface IProfileBatchSink : IDisposable
{
    /// <summary>A short name for log lines (for example <c>store /home/me/.dotnet-pprof/store</c>).</summary>
    string Name { get; }

    /// <summary>Writes one batch. Throwing drops the batch (logged and counted); cancellation means the profiler is
    /// stopping and gave up waiting.</summary>
    Task WriteAsync(ProfileBatch batch, CancellationToken cancellationToken);
}
