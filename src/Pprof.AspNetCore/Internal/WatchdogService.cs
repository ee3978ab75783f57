using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pprof.Runtime.Watch;

namespace Pprof.AspNetCore.Internal;

/// <summary>Starts the <see cref="Watchdog"/> of <see cref="PprofWatchdogServiceCollectionExtensions.AddPprofWatchdog"/>
/// with the host and stops it with the host; its decisions go to an <see cref="ILogger"/>.</summary>
internal sealed class WatchdogService : IHostedService, IAsyncDisposable
{
    private readonly WatchdogOptions _options;
    private readonly ILogger<Watchdog> _logger;
    private Watchdog? _watchdog;

    public WatchdogService(IOptions<WatchdogOptions> options, ILogger<Watchdog> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The running watchdog (for tests); null before start and after stop.</summary>
    internal Watchdog? Watchdog => _watchdog;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _options.Log ??= Log;
        _watchdog = Watchdog.Start(_options);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        var w = Interlocked.Exchange(ref _watchdog, null);
        if (w != null) await w.DisposeAsync().ConfigureAwait(false);
    }

    private void Log(string line)
    {
        bool dump = line.Contains("] ", StringComparison.Ordinal) && (line.Contains(" DUMP ", StringComparison.Ordinal) || line.Contains(" wrote ", StringComparison.Ordinal) || line.Contains(" failed: ", StringComparison.Ordinal));
        if (dump) _logger.LogWarning("{Decision}", line);
        else _logger.LogDebug("{Decision}", line);
    }
}
