using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Pprof.AspNetCore.Internal;

/// <summary>The access rules every pprof handler runs first: the endpoints' own port, loopback clients only (unless
/// remote clients are allowed or the endpoint requires authorization), and a concurrency limit per profile.</summary>
internal sealed class EndpointGuard
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _limits = new(StringComparer.Ordinal);

    public EndpointGuard(IOptions<PprofOptions> options) => Options = options.Value;

    public PprofOptions Options { get; }

    /// <summary>Applies the access rules, then the concurrency limit of <paramref name="limitKey"/> (none when null;
    /// one at a time for "retention"), then runs <paramref name="handler"/>.</summary>
    public async Task Serve(HttpContext context, string? limitKey, Func<Task> handler)
    {
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        var transport = context.Features.Get<TransportPeer>();
        if (Options.Port is int port && (transport?.LocalPort ?? context.Connection.LocalPort) != port)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("404 page not found\n", context.RequestAborted);
            return;
        }
        if (!Options.AllowRemoteClients && !ClientGuard.HasAuthorization(context.GetEndpoint()) && !ClientGuard.IsLoopbackClient(context))
        {
            await PprofResponses.ServeError(context, StatusCodes.Status403Forbidden,
                "pprof endpoints serve loopback clients only (set PprofOptions.AllowRemoteClients or require authorization with MapPprof(...).RequireAuthorization())");
            return;
        }
        if (limitKey == null)
        {
            await handler();
            return;
        }
        int limit = limitKey == "retention" ? 1 : Math.Max(1, Options.ConcurrencyLimit);
        var gate = _limits.GetOrAdd(limitKey, _ => new SemaphoreSlim(limit, limit));
        if (!gate.Wait(0))
        {
            await PprofResponses.ServeError(context, StatusCodes.Status429TooManyRequests,
                string.Create(CultureInfo.InvariantCulture, $"too many concurrent requests for this profile (limit {limit}, PprofOptions.ConcurrencyLimit)"));
            return;
        }
        try
        {
            await handler();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Requests being served under <paramref name="limitKey"/> (for tests).</summary>
    internal int InUse(string limitKey) =>
        _limits.TryGetValue(limitKey, out var gate) ? (limitKey == "retention" ? 1 : Math.Max(1, Options.ConcurrencyLimit)) - gate.CurrentCount : 0;

    /// <summary>400 when <paramref name="seconds"/> is beyond <see cref="PprofOptions.MaxDuration"/>.</summary>
    public async Task<bool> ExceedsMaxDuration(HttpContext context, double seconds)
    {
        if (seconds <= Options.MaxDuration.TotalSeconds) return false;
        await PprofResponses.ServeError(context, StatusCodes.Status400BadRequest, string.Create(CultureInfo.InvariantCulture,
            $"profile duration exceeds the server's maximum of {Options.MaxDuration.TotalSeconds:0.###} seconds (PprofOptions.MaxDuration)"));
        return true;
    }
}
