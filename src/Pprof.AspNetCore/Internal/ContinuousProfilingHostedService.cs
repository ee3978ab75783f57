using Microsoft.Extensions.Hosting;

namespace Pprof.AspNetCore.Internal;

/// <summary>Starts the <see cref="ContinuousProfilingService"/> with the host and stops it with the host.</summary>
internal sealed class ContinuousProfilingHostedService : IHostedService
{
    private readonly ContinuousProfilingService _service;

    public ContinuousProfilingHostedService(ContinuousProfilingService service) => _service = service;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _service.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await _service.DisposeAsync().ConfigureAwait(false);
}
