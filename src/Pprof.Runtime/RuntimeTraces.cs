using Pprof.Runtime.Internal;

namespace Pprof.Runtime;

/// <summary>Records execution traces (.nettrace, the counterpart of Go's <c>runtime/trace</c> output) of a .NET process
/// from outside, with the provider set of docs/trace.md: thread samples, GC and suspensions, allocation ticks, lock
/// contention, wait handles, thread-pool work, thread creation, exceptions, tasks, requests and the user annotations of
/// <see cref="Tracing.ExecutionTrace"/>. For this process use <see cref="Profiler.StartTrace"/> or
/// <see cref="Profiler.WriteTraceAsync"/>.</summary>
public static class RuntimeTraces
{
    /// <summary>The providers a trace enables, in dotnet-trace's <c>--providers</c> syntax (<c>name:0xKEYWORDS:LEVEL</c>,
    /// comma-separated): to record the same events with dotnet-trace.</summary>
    public static string Providers => NetTraceSession.DescribeProviders();

    /// <summary>Traces process <paramref name="processId"/> into <paramref name="output"/> for
    /// <paramref name="duration"/> (less when cancelled or when the process exits; the trace then covers the time
    /// recorded). The stream ends with a rundown naming every jitted method. Throws <see cref="ProfilerException"/> when
    /// the process cannot be traced, <see cref="IOException"/> when writing to <paramref name="output"/> fails.</summary>
    public static Task RecordAsync(int processId, Stream output, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        ProcessDiscovery.EnsureProfilable(processId);
        var client = ProcessDiscovery.Connect(processId);
        return NetTraceSession.RecordAsync(client, processId, null, () => !ProcessDiscovery.IsAlive(processId), output, duration, cancellationToken);
    }

    /// <summary>Traces a runtime that connected through a diagnostic port (<see cref="RuntimeConnection.Launch"/> or
    /// <see cref="RuntimeConnection.Listen"/>) from before its first instruction until it exits, until
    /// <paramref name="duration"/> (null: no limit) has passed, or until cancelled.</summary>
    public static async Task RecordAsync(RuntimeConnection connection, Stream output, TimeSpan? duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(output);
        await connection.WaitForRuntimeAsync(cancellationToken).ConfigureAwait(false);
        await NetTraceSession.RecordAsync(connection.Client, connection.ProcessId, connection.Resume, () => connection.HasExited, output, duration ?? Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
    }
}
