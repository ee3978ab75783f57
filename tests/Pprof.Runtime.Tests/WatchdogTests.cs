using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Pprof.Profiles;
using Pprof.Runtime.Watch;

namespace Pprof.Runtime.Tests;

/// <summary>The watchdog in-process: calm, then an exception storm, gives exactly one exceptions profile showing the
/// throwing method, after holmes' warm-up, and the rule then stays in its cooldown.</summary>
[Collection("runtime")]
public sealed class WatchdogTests
{
    private sealed class MemoryReporter : IWatchdogReporter
    {
        public ConcurrentQueue<WatchdogDump> Dumps { get; } = new();

        public Task ReportAsync(WatchdogDump dump, CancellationToken cancellationToken)
        {
            Dumps.Enqueue(dump);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task AnExceptionStormGetsOneExceptionsProfileInProcess()
    {
        var reporter = new MemoryReporter();
        var log = new ConcurrentQueue<string>();
        var options = new WatchdogOptions
        {
            Interval = TimeSpan.FromMilliseconds(200), Cooldown = TimeSpan.FromMinutes(10), ProfileDuration = TimeSpan.FromSeconds(2),
            Reporter = reporter, Log = log.Enqueue,
        };
        options.Rules[WatchdogTrigger.Exceptions] = new WatchdogRule(50, 25, 1_000_000);
        await using (var dog = Watchdog.Start(options))
        {
            // Calm until holmes' warm-up is over and a few checks said NODUMP.
            Assert.True(await Until(() => log.Count(l => l.Contains("NODUMP exceptions value=", StringComparison.Ordinal)) >= 3), string.Join('\n', log));
            Assert.Equal(9, log.Count(l => l.Contains("warming up", StringComparison.Ordinal)));
            using var storm = new CancellationTokenSource();
            var thrower = new Thread(() =>
            {
                while (!storm.IsCancellationRequested)
                {
                    ThrowAndCatch(20);
                    Thread.Sleep(10);
                }
            }) { IsBackground = true, Name = "storm" };
            thrower.Start();
            try
            {
                Assert.True(await Until(() => !reporter.Dumps.IsEmpty), string.Join('\n', log));
                Assert.True(await Until(() => log.Count(l => l.Contains("NODUMP exceptions: in cooldown", StringComparison.Ordinal)) >= 3), string.Join('\n', log));
            }
            finally
            {
                storm.Cancel();
                thrower.Join();
            }
            Assert.Equal(dog.Dumps.Count, reporter.Dumps.Count);
        }
        var dump = Assert.Single(reporter.Dumps);
        Assert.Equal(WatchdogTrigger.Exceptions, dump.Trigger);
        Assert.Equal("exceptions", dump.Kind);
        Assert.Matches(@"^exceptions\.\d{14}\.\d{3}\.pb\.gz$", dump.FileName);
        Assert.Single(log, l => l.Contains("] ", StringComparison.Ordinal) && l.Contains(" DUMP exceptions value=", StringComparison.Ordinal));
        var p = ProfileAssert.RoundTrip(Profile.Parse(dump.Profile));
        Assert.Contains(p.Samples, s => ProfileAssert.HasFrame(s, "Pprof.Runtime.Tests.WatchdogTests.ThrowAndCatch"));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ThrowAndCatch(int n)
    {
        int caught = 0;
        for (int i = 0; i < n; i++)
        {
            try
            {
                throw new InvalidOperationException("storm");
            }
            catch (InvalidOperationException)
            {
                caught++;
            }
        }
        return caught;
    }

    private static async Task<bool> Until(Func<bool> condition)
    {
        for (int i = 0; i < 1200; i++)
        {
            if (condition()) return true;
            await Task.Delay(100);
        }
        return condition();
    }
}
