using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pprof.Agent.Tests;

/// <summary>A stand-in Pyroscope on loopback (Kestrel): records every request (path, query, headers, body) and
/// answers as <see cref="Mode"/> says.</summary>
internal sealed class FakePyroscope : IAsyncDisposable
{
    public enum Behaviour
    {
        /// <summary>Push API and ingest answer 200.</summary>
        Ok,
        /// <summary>The Connect routes answer 404 (an old server); /ingest answers 200.</summary>
        LegacyOnly,
        /// <summary>Everything answers 500.</summary>
        Error500,
        /// <summary>Requests are never answered (until the client gives up).</summary>
        Hang,
    }

    internal sealed record Request(string Method, string Path, IQueryCollection Query, IHeaderDictionary Headers, string? ContentType, byte[] Body);

    private readonly WebApplication _app;

    private FakePyroscope(WebApplication app) => _app = app;

    public Behaviour Mode { get; set; }

    /// <summary>What /querier.v1.QuerierService/SelectMergeProfile answers (uncompressed pprof).</summary>
    public byte[] MergedProfile { get; set; } = Array.Empty<byte>();

    public ConcurrentQueue<Request> Requests { get; } = new();

    public string Url { get; private set; } = "";

    public static async Task<FakePyroscope> StartAsync(Behaviour mode = Behaviour.Ok)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakePyroscope(app) { Mode = mode };
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted);
        // Kestrel reuses its header and query objects after the request: keep copies.
        var headers = new HeaderDictionary();
        foreach (var h in ctx.Request.Headers) headers[h.Key] = h.Value;
        var query = new QueryCollection(ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value));
        Requests.Enqueue(new Request(ctx.Request.Method, ctx.Request.Path.Value ?? "", query, headers, ctx.Request.ContentType, body.ToArray()));
        bool connect = ctx.Request.Path.StartsWithSegments("/push.v1.PusherService") || ctx.Request.Path.StartsWithSegments("/querier.v1.QuerierService");
        switch (Mode)
        {
            case Behaviour.Hang:
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            case Behaviour.Error500:
                ctx.Response.StatusCode = 500;
                await ctx.Response.WriteAsync("{\"code\":\"internal\",\"message\":\"ingester unavailable\"}");
                return;
            case Behaviour.LegacyOnly when connect:
                ctx.Response.StatusCode = 404;
                await ctx.Response.WriteAsync("404 page not found");
                return;
        }
        if (ctx.Request.Path == "/querier.v1.QuerierService/SelectMergeProfile")
        {
            ctx.Response.ContentType = "application/proto";
            await ctx.Response.Body.WriteAsync(MergedProfile);
            return;
        }
        if (connect) ctx.Response.ContentType = "application/proto";
        ctx.Response.StatusCode = 200;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
