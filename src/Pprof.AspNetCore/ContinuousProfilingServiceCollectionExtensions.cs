using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Pprof.Agent;
using Pprof.AspNetCore.Internal;

namespace Pprof.AspNetCore;

/// <summary>Registers continuous profiling (<see cref="ContinuousProfiler"/>) as a hosted service of the application.</summary>
public static class ContinuousProfilingServiceCollectionExtensions
{
    /// <summary>Profiles this process continuously while the host runs: every
    /// <see cref="ContinuousProfilerOptions.Interval"/> (15 s) delta profiles (cpu, allocs, mutex, block, exceptions)
    /// and a runtime stats point go to the embedded profile store (<c>~/.dotnet-pprof/store</c>, read with
    /// <c>dotnet-pprof history</c>) and, with <see cref="ContinuousProfilerOptions.Pyroscope"/>, to Grafana Pyroscope.
    /// Starts with the host, stops with it (the last interval is delivered). Calling it again adds the configuration to
    /// the same profiler. Log lines go to <c>ILogger</c> (category <c>Pprof.Agent.ContinuousProfiler</c>) at
    /// Warning unless <see cref="ContinuousProfilerOptions.Log"/> is set. The running profiler (for its counters) is
    /// the <see cref="ContinuousProfilingService"/> singleton's <see cref="ContinuousProfilingService.Profiler"/>.</summary>
    public static IServiceCollection AddContinuousProfiling(this IServiceCollection services, Action<ContinuousProfilerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<ContinuousProfilerOptions>();
        if (configure != null) builder.Configure(configure);
        services.TryAddSingleton<ContinuousProfilingService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ContinuousProfilingHostedService>());
        return services;
    }
}
