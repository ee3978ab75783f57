using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pprof.AspNetCore.Tests;

/// <summary>A real ASP.NET Core application on Kestrel with the pprof endpoints and a few endpoints that make known
/// work (a hot method, a pending async method, a contended lock), and an HttpClient for it.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(90) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>Starts an application listening on <paramref name="url"/>; the background profiles are off unless
    /// <paramref name="configure"/> switches them on (they are process-wide and cost a session each).</summary>
    public static async Task<TestApp> StartAsync(
        Action<PprofOptions>? configure = null,
        Action<WebApplication>? map = null,
        string url = "http://127.0.0.1:0",
        Action<WebApplicationBuilder>? build = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.Services.AddPprof(o =>
        {
            o.HeapProfiling = false;
            o.AllocationSampling = false;
            o.ThreadCreateProfiling = false;
            o.ExceptionProfiling = false;
            configure?.Invoke(o);
        });
        build?.Invoke(builder);
        var app = builder.Build();
        if (map != null) map(app);
        else app.MapPprof();
        app.MapGet("/spin", (int ms) =>
        {
            Workload.SpinHot(TimeSpan.FromMilliseconds(ms));
            return "spun";
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>Spins <see cref="Workload.SpinHot"/> on a thread-pool thread through the app for <paramref name="ms"/>.</summary>
    public Task<string> SpinAsync(int ms) => Client.GetStringAsync($"/spin?ms={ms}");
}

/// <summary>Code with names the profiles must show.</summary>
internal static class Workload
{
    private static readonly TaskCompletionSource s_never = new();
    private static readonly object s_contended = new();

    /// <summary>Objects held by a static field, for the heap profile.</summary>
    public static readonly List<RetainedWidget> Retained = new();

    /// <summary>Objects retained while a heap delta is being collected.</summary>
    public static readonly List<LaterWidget> RetainedLater = new();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double SpinHot(TimeSpan duration)
    {
        var end = DateTime.UtcNow + duration;
        double x = 1;
        while (DateTime.UtcNow < end)
        {
            for (int i = 0; i < 10_000; i++) x = Math.Sqrt(x + i);
        }
        return x;
    }

    /// <summary>An async method that never completes (a pending operation in the goroutine profile).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task PendingForeverAsync()
    {
        await s_never.Task.ConfigureAwait(false);
    }

    /// <summary>Threads that take turns holding one lock for a while, for <paramref name="duration"/>.</summary>
    public static Task ContendAsync(TimeSpan duration)
    {
        var end = DateTime.UtcNow + duration;
        var threads = Enumerable.Range(0, 3).Select(_ => new Thread(() =>
        {
            while (DateTime.UtcNow < end) HoldContendedLock();
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        return Task.Run(() => threads.ForEach(t => t.Join()));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void HoldContendedLock()
    {
        lock (s_contended) Thread.Sleep(20);
    }
}

/// <summary>A type only the tests allocate, for the heap profile.</summary>
internal sealed class RetainedWidget
{
    public byte[] Payload { get; } = new byte[1000];
}

/// <summary>A type only the heap delta test allocates.</summary>
internal sealed class LaterWidget
{
    public byte[] Payload { get; } = new byte[500];
}
