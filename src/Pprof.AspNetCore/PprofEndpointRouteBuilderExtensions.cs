using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pprof.AspNetCore.Internal;

namespace Pprof.AspNetCore;

/// <summary>Maps Go's net/http/pprof endpoints.</summary>
public static class PprofEndpointRouteBuilderExtensions
{
    /// <summary>Maps the pprof endpoints under <paramref name="pattern"/> (index page, profile, wall, trace, retention,
    /// allocs, goroutine, block, mutex, threadcreate, exceptions, custom profiles, cmdline, symbol) and the expvar-style
    /// <c>vars</c> JSON beside it (<c>/debug/vars</c> for the default pattern, as in Go). The returned builder applies
    /// conventions (<c>RequireAuthorization</c>, <c>RequireHost</c>, ...) to every one of them. Requires
    /// <see cref="PprofServiceCollectionExtensions.AddPprof"/>.</summary>
    public static IEndpointConventionBuilder MapPprof(this IEndpointRouteBuilder endpoints, string pattern = "/debug/pprof")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var services = endpoints.ServiceProvider;
        if (services.GetService<EndpointGuard>() == null)
            throw new InvalidOperationException("MapPprof needs the pprof services: call builder.Services.AddPprof() first");
        var index = services.GetRequiredService<IndexPage>();
        var streaming = services.GetRequiredService<StreamingEndpoints>();
        var named = services.GetRequiredService<NamedProfileEndpoints>();
        var symbol = services.GetRequiredService<SymbolEndpoint>();
        var info = services.GetRequiredService<ProcessInfoEndpoints>();
        string prefix = "/" + pattern.Trim('/');
        if (prefix == "/") prefix = "";
        int slash = prefix.LastIndexOf('/');
        string varsPath = (slash > 0 ? prefix[..slash] : "") + "/vars";

        var group = endpoints.MapGroup(prefix.Length == 0 ? "/" : prefix);
        group.MapGet("/", index.Index).WithDisplayName("pprof index");
        group.MapGet("/cmdline", info.Cmdline).WithDisplayName("pprof cmdline");
        group.MapGet("/profile", streaming.CpuProfile).WithDisplayName("pprof profile");
        group.MapGet("/wall", streaming.WallProfile).WithDisplayName("pprof wall");
        group.MapGet("/trace", streaming.Trace).WithDisplayName("pprof trace");
        group.MapMethods("/symbol", new[] { "GET", "POST" }, symbol.Symbol).WithDisplayName("pprof symbol");
        group.MapGet("/{name}", named.Named).WithDisplayName("pprof named profile");
        var vars = endpoints.MapGet(varsPath, info.Vars).WithDisplayName("expvar vars");
        return new CompositeConventionBuilder(group, vars);
    }
}
