using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pprof.Runtime;
using Pprof.Runtime.Collectors;
using Pprof.Runtime.Internal;

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
        var changes = new List<(ProfileKind, bool, Action<EventCollector>?)>();
        if (_options.AllocationSampling) changes.Add((ProfileKind.Allocs, true, null));
        if (_options.ThreadCreateProfiling) changes.Add((ProfileKind.ThreadCreate, true, null));
        if (_options.ExceptionProfiling) changes.Add((ProfileKind.Exceptions, true, null));
        if (_options.MutexProfileFraction > 0)
        {
            int rate = _options.MutexProfileFraction;
            changes.Add((ProfileKind.Mutex, true, c => ((DelayCollector)c).Rate = rate));
        }
        if (_options.BlockProfileRate > 0) changes.Add((ProfileKind.Block, true, null));
        if (changes.Count == 0) return Task.CompletedTask;
        Started = Task.Run(() =>
        {
            try
            {
                BackgroundProfiling.SetMany(changes);
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
