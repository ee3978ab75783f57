using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pprof.AspNetCore.Internal;
using Pprof.Runtime.Watch;

namespace Pprof.AspNetCore.Tests;

/// <summary>AddPprofWatchdog runs a watchdog on the application while the host runs.</summary>
public sealed class WatchdogServiceTests
{
    [Fact]
    public async Task TheWatchdogStartsAndStopsWithTheHost()
    {
        var log = new ConcurrentQueue<string>();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPprofWatchdog(o =>
        {
            o.Interval = TimeSpan.FromMilliseconds(100);
            o.Rules[WatchdogTrigger.Thread] = new WatchdogRule(100_000, 25, 1_000_000);
            o.Log = log.Enqueue;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var service = host.Services.GetServices<IHostedService>().OfType<WatchdogService>().Single();
        var dog = service.Watchdog;
        Assert.NotNull(dog);
        for (int i = 0; i < 600 && !log.Any(l => l.Contains("NODUMP thread value=", StringComparison.Ordinal)); i++) await Task.Delay(100);
        Assert.Contains(log, l => l.Contains("NODUMP thread value=", StringComparison.Ordinal) && l.Contains("rule=100000,25,1000000", StringComparison.Ordinal));
        await host.StopAsync();
        Assert.Null(service.Watchdog);
        Assert.True(dog!.Completion.IsCompleted);
        Assert.Empty(dog.Dumps);
    }
}
