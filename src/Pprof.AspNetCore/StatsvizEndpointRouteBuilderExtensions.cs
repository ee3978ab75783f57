using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pprof.AspNetCore.Internal;

namespace Pprof.AspNetCore;

/// <summary>Maps the live dashboard of the process's runtime statistics, in the manner of Go's statsviz.</summary>
public static class StatsvizEndpointRouteBuilderExtensions
{
    /// <summary>Maps the live dashboard under <paramref name="pattern"/>: the page at <c>{pattern}/</c> (charts of
    /// CPU, memory, GC heap by generation, allocation rate, GC pauses, % time in GC, threads and thread pool, lock
    /// contention, exceptions, pending work, with every GC marked) and its WebSocket at <c>{pattern}/ws</c>, which sends
    /// one sample of <see cref="Pprof.Runtime.Stats.RuntimeStats"/> a second. When <see
    /// cref="PprofEndpointRouteBuilderExtensions.MapPprof"/> is mapped too, the page has buttons that download a cpu
    /// (10 s), heap and goroutine profile from it. The access rules are <c>MapPprof</c>'s
    /// (<see cref="PprofOptions"/>: loopback clients only unless allowed or authorized, <see cref="PprofOptions.Port"/>);
    /// the WebSocket also refuses cross-origin pages. The returned builder applies conventions
    /// (<c>RequireAuthorization</c>, ...) to all of its endpoints. Requires
    /// <see cref="PprofServiceCollectionExtensions.AddPprof"/>; <c>UseWebSockets</c> is not needed.</summary>
    public static IEndpointConventionBuilder MapStatsviz(this IEndpointRouteBuilder endpoints, string pattern = "/debug/statsviz")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var services = endpoints.ServiceProvider;
        if (services.GetService<EndpointGuard>() == null)
            throw new InvalidOperationException("MapStatsviz needs the pprof services: call builder.Services.AddPprof() first");
        var statsviz = ActivatorUtilities.CreateInstance<StatsvizEndpoints>(services);
        string prefix = "/" + pattern.Trim('/');
        if (prefix == "/") prefix = "";
        // Routing ignores a trailing slash: the page's handler redirects {pattern} to {pattern}/ itself.
        var group = endpoints.MapGroup(prefix.Length == 0 ? "/" : prefix);
        group.MapGet("/", statsviz.Page).WithDisplayName("statsviz page");
        group.MapGet("/ws", statsviz.WebSocket).WithDisplayName("statsviz ws");
        group.MapGet("/{asset}", statsviz.Asset).WithDisplayName("statsviz asset");
        return group;
    }
}
