using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pprof.Agent;

namespace Pprof.AspNetCore;

/// <summary>The continuous profiler of <see cref="ContinuousProfilingServiceCollectionExtensions.AddContinuousProfiling"/>:
/// started and stopped by the host.</summary>
public sealed class ContinuousProfilingService : IAsyncDisposable
{
    private readonly ContinuousProfilerOptions _options;
    private readonly ILogger<ContinuousProfiler> _logger;
    private ContinuousProfiler? _profiler;

    /// <summary>Created by dependency injection.</summary>
    public ContinuousProfilingService(IOptions<ContinuousProfilerOptions> options, ILogger<ContinuousProfiler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The running profiler; null before the host starts and after it stops.</summary>
    public ContinuousProfiler? Profiler => _profiler;

    internal void Start()
    {
        if (_profiler != null) return;
        _options.Log ??= line => _logger.LogWarning("{ContinuousProfiling}", line);
        _profiler = ContinuousProfiler.Start(_options);
        _logger.LogInformation("continuous profiling every {Interval} to {Sinks}", _options.Interval, string.Join(", ", _profiler.SinkNames));
    }

    /// <summary>Stops the profiler (the interval under way is delivered).</summary>
    public async ValueTask DisposeAsync()
    {
        var p = Interlocked.Exchange(ref _profiler, null);
        if (p != null) await p.DisposeAsync().ConfigureAwait(false);
    }
}
