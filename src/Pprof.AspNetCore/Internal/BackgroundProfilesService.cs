using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pprof.Runtime;

namespace Pprof.AspNetCore.Internal;

/// <summary>Switches on, at start, the always-on profiles chosen in <see cref="PprofOptions"/> (one EventPipe session
/// for all of them). It does so in the background so that start-up does not wait for the session, and leaves them on
/// when the host stops (they are process-wide, like Go's).</summary>
internal sealed class BackgroundProfilesService : IHostedService
{
    private readonly PprofOptions _options;
    private readonly ILogger<BackgroundProfilesService> _logger;

    public BackgroundProfilesService(IOptions<PprofOptions> options, ILogger<BackgroundProfilesService> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Completes when the profiles are switched on (for tests).</summary>
    internal Task Started { get; private set; } = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var chosen = new AlwaysOnProfiles
        {
            HeapProfiling = _options.HeapProfiling,
            AllocationSampling = _options.AllocationSampling,
            MutexProfileFraction = _options.MutexProfileFraction,
            BlockProfileRate = _options.BlockProfileRate,
            ThreadCreateProfiling = _options.ThreadCreateProfiling,
            ExceptionProfiling = _options.ExceptionProfiling,
        };
        Started = Task.Run(() =>
        {
            try
            {
                // Only switch on: what the application switched on itself (or by PPROF_HEAP_PROFILING) stays on.
                Profiler.EnableAlwaysOnProfiles(chosen);
            }
            catch (ProfilerException e)
            {
                _logger.LogWarning("pprof: the always-on profiles could not be switched on: {Reason}", e.Message);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
