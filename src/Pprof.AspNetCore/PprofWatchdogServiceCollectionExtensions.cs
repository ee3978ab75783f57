using Microsoft.Extensions.DependencyInjection;
using Pprof.AspNetCore.Internal;
using Pprof.Runtime.Watch;

namespace Pprof.AspNetCore;

/// <summary>Registers the holmes-style <see cref="Watchdog"/> as a hosted service of the application.</summary>
public static class PprofWatchdogServiceCollectionExtensions
{
    /// <summary>Runs a <see cref="Watchdog"/> on this process while the host runs: it starts with the host and stops
    /// with it. Set at least one rule in <paramref name="configure"/> (for example
    /// <c>o.Rules[WatchdogTrigger.Cpu] = new WatchdogRule(10, 25, 80)</c>) and where profiles go
    /// (<see cref="WatchdogOptions.OutputDirectory"/> or <see cref="WatchdogOptions.Reporter"/>). Decisions are logged
    /// through <c>ILogger</c> (category <c>Pprof.Runtime.Watch.Watchdog</c>): dumps at Warning, the rest at Debug,
    /// unless <see cref="WatchdogOptions.Log"/> is set.</summary>
    public static IServiceCollection AddPprofWatchdog(this IServiceCollection services, Action<WatchdogOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<WatchdogOptions>().Configure(configure);
        services.AddHostedService<WatchdogService>();
        return services;
    }
}
