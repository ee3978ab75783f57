using Pprof.Profiles;
using Pprof.Cli.Collect;

namespace Pprof.Cli.Tests;

/// <summary>The ps and collect subcommands, run in-process against this test process.</summary>
public sealed class CollectCommandsTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CollectCommands.Run(args, o, e, CancellationToken.None);
        return (code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("1m30s", 90)]
    [InlineData("500ms", 0.5)]
    [InlineData("2", 2)]
    [InlineData("1.5s", 1.5)]
    [InlineData("00:00:30", 30)]
    [InlineData("00:01:30", 90)]
    [InlineData("1.00:00:00", 86400)]
    public void ParsesDurations(string text, double seconds)
    {
        Assert.True(CollectCommands.TryParseDuration(text, out var d));
        Assert.Equal(seconds, d.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0s")]
    [InlineData("-1")]
    [InlineData("10 parsecs")]
    [InlineData("5x")]
    [InlineData("00:00:00")]
    [InlineData("1:2:3:4:5")]
    public void RejectsBadDurations(string text) => Assert.False(CollectCommands.TryParseDuration(text, out _));

    [Fact]
    public void DispatchesOnlyItsSubcommands()
    {
        Assert.True(CollectCommands.Handles(new[] { "ps" }));
        Assert.True(CollectCommands.Handles(new[] { "collect", "cpu" }));
        Assert.True(CollectCommands.Handles(new[] { "memstats" }));
        Assert.False(CollectCommands.Handles(new[] { "-top", "file" }));
        Assert.False(CollectCommands.Handles(new[] { "collect.pb.gz" }));
        Assert.False(CollectCommands.Handles(Array.Empty<string>()));
    }

    [Fact]
    public void PsLeavesItselfOut()
    {
        var (code, stdout, _) = Run("ps");
        Assert.Equal(0, code);
        Assert.DoesNotContain(stdout.Split('\n'), l => l.TrimStart().StartsWith(Environment.ProcessId + " ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("wall")]
    [InlineData("allocs")]
    [InlineData("exceptions")]
    [InlineData("retention")]
    [InlineData("goroutine")]
    public void EveryKindSaysNoSuchProcessTheSameWay(string kind)
    {
        var (code, _, err) = Run("collect", kind, "-p", "2147483000", "-d", "1s");
        Assert.Equal(1, code);
        Assert.Equal("dotnet-pprof collect: no process with pid 2147483000\n", err.Replace("\r", ""));
    }

    [Fact]
    public void MemStatsSaysNoSuchProcessTheSameWay()
    {
        var (code, _, err) = Run("memstats", "-p", "2147483000");
        Assert.Equal(1, code);
        Assert.Equal("dotnet-pprof memstats: no process with pid 2147483000\n", err.Replace("\r", ""));
    }

    [Fact]
    public void CollectErrorsAreOneClearLine()
    {
        var (code, _, err) = Run("collect", "cpu");
        Assert.Equal(1, code);
        Assert.Equal("dotnet-pprof collect: which process? give -p PID or -n NAME (see dotnet-pprof ps), --diagnostic-port PATH, or -- COMMAND to start one\n", err.Replace("\r", ""));
        (code, _, err) = Run("collect", "cpu", "-p", "1", "-d", "soon");
        Assert.NotEqual(0, code);
        Assert.Contains("invalid duration \"soon\"", err);
        (code, _, err) = Run("collect", "cpu", "-p", "1", "-n", "x");
        Assert.Equal(2, code);
        Assert.Contains("give one of -p, -n, --diagnostic-port or -- COMMAND", err);
        (code, _, err) = Run("collect", "nonsense", "-p", "1");
        Assert.NotEqual(0, code);
        Assert.Contains("nonsense", err);
        (code, _, err) = Run("collect", "retention", "-o", "x.pb.gz", "--", "dotnet", "--version");
        Assert.Equal(2, code);
        Assert.Equal("dotnet-pprof collect: a retention profile is a snapshot: give -d, how long the process runs before it is taken\n", err.Replace("\r", ""));
        (code, _, err) = Run("ps", "--", "dotnet");
        Assert.Equal(2, code);
        Assert.Contains("-- COMMAND is only for collect", err);
    }

    [Fact]
    public void EachKindHasItsOwnHelp()
    {
        var (code, heap, _) = Run("collect", "retention", "--help");
        Assert.Equal(0, code);
        Assert.Contains(" collect retention [options]", heap);
        Assert.Contains("live objects after a full GC", heap);
        Assert.Contains("A snapshot", heap);
        var (_, cpu, _) = Run("collect", "cpu", "-h");
        Assert.Contains("on-CPU time by stack", cpu);
        Assert.Contains("Ctrl+C stops early and writes what was collected", cpu);
        Assert.DoesNotContain("live objects", cpu);
        foreach (string option in new[] { "--process-id", "--name", "--diagnostic-port", "--duration", "--output" }) Assert.Contains(option, cpu);
    }

    [Fact]
    public void OutputToAMissingDirectoryFailsBeforeCollecting()
    {
        // Were the output checked only after collecting, this would run for 10 minutes (bounded by the token) and then
        // fail with another message.
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CollectCommands.Run(new[] { "collect", "cpu", "-p", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-d", "10m", "-o", "/nonexistent-dir/x.pb.gz" }, o, e, cts.Token);
        Assert.Equal(1, code);
        Assert.Equal("dotnet-pprof collect: cannot write /nonexistent-dir/x.pb.gz: no such directory\n", e.ToString().Replace("\r", ""));
        Assert.False(cts.IsCancellationRequested);
    }

    [Theory]
    [InlineData(536870912L, "536870912")]
    [InlineData(null, "max")]
    public void MemStatsJsonKeepsTheCgroupLimitTheTextShows(long? limit, string text)
    {
        var m = new Pprof.Runtime.MemStats.MemStats { CgroupVersion = "v2", CgroupLimit = limit, CgroupUsage = 1000 };
        Assert.Contains("# CgroupLimit = " + text + "\n", Pprof.Runtime.MemStats.MemStatsFormat.Trailer(m));
        using var json = System.Text.Json.JsonDocument.Parse(Pprof.Runtime.MemStats.MemStatsFormat.Json(m));
        var value = json.RootElement.GetProperty("memstats").GetProperty("CgroupLimit");
        if (limit is long l) Assert.Equal(l, value.GetInt64());
        else Assert.Equal(System.Text.Json.JsonValueKind.Null, value.ValueKind);
    }

    [Fact]
    public void SummaryNamesWhatIsCounted()
    {
        var p = new Profile { DurationNanos = 2_000_000_000 };
        p.SampleTypes.Add(new ProfileValueType("samples", "count"));
        p.SampleTypes.Add(new ProfileValueType("cpu", "nanoseconds"));
        p.Samples.Add(new Sample(Array.Empty<Location>(), new long[] { 300, 300_000_000 }));
        p.Samples.Add(new Sample(Array.Empty<Location>(), new long[] { 140, 140_000_000 }));
        Assert.Equal("samples 440, cpu 0.44s in 2 distinct stacks over 2.0s", CollectCommand.Summary(p));
    }

    [Fact]
    public void CollectWritesAProfileThatParses()
    {
        string file = Path.Combine(Path.GetTempPath(), $"collect-test-{Guid.NewGuid():N}.pb.gz");
        try
        {
            // Throws until the collection ends: on a loaded machine the session can start well after the command does,
            // and a fixed number of throws could all fall before the window (an empty profile was seen in CI).
            using var done = new ManualResetEventSlim();
            var thrower = new Thread(() =>
            {
                for (int i = 0; !done.IsSet; i++)
                {
                    try
                    {
                        throw new TimeoutException("test " + i);
                    }
                    catch (TimeoutException)
                    {
                    }
                    done.Wait(50);
                }
            });
            thrower.Start();
            var (code, _, err) = Run("collect", "exceptions", "-p", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-d", "2s", "-o", file);
            done.Set();
            thrower.Join();
            Assert.True(code == 0, err);
            Assert.Contains("wrote exceptions profile to " + file + ": exceptions ", err);
            var p = Profile.Parse(File.ReadAllBytes(file));
            Assert.Equal("exceptions/count", p.SampleTypes[0].ToString());
            Assert.Contains(p.Samples, s => s.HasLabel("exception", "System.TimeoutException"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
