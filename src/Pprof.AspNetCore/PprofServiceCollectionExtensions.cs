using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Pprof.AspNetCore.Internal;

namespace Pprof.AspNetCore;

/// <summary>Registers the services of the <c>/debug/pprof</c> endpoints.</summary>
public static class PprofServiceCollectionExtensions
{
    /// <summary>Adds the pprof endpoints' services: their options, the filter that records each connection's true peer
    /// address before any application middleware (so that forwarded headers cannot make a remote client look local),
    /// the listener of <see cref="PprofOptions.Port"/>, and the background profiles switched on at start. Map the
    /// endpoints with <see cref="PprofEndpointRouteBuilderExtensions.MapPprof"/>.</summary>
    public static IServiceCollection AddPprof(this IServiceCollection services, Action<PprofOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<PprofOptions>();
        if (configure != null) builder.Configure(configure);
        // The execution-trace event source exists from now on: traces recorded from outside (dotnet-pprof collect trace)
        // then carry thread names.
        _ = Pprof.Runtime.Tracing.ExecutionTrace.IsEnabled;
        services.TryAddSingleton<EndpointGuard>();
        services.TryAddSingleton<IndexPage>();
        services.TryAddSingleton<StreamingEndpoints>();
        services.TryAddSingleton<NamedProfileEndpoints>();
        services.TryAddSingleton<SymbolEndpoint>();
        services.TryAddSingleton<ProcessInfoEndpoints>();
        if (!services.Any(d => d.ServiceType == typeof(IStartupFilter) && d.ImplementationType == typeof(TransportPeerStartupFilter)))
        {
            // First in the list: the outermost filter, ahead of the host's own (forwarded headers among them).
            services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, TransportPeerStartupFilter>());
            services.AddHostedService<BackgroundProfilesService>();
        }
        return services;
    }
}
