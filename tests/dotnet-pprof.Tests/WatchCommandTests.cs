using System.Globalization;
using System.Text.RegularExpressions;
using Pprof.Cli.Collect;
using Pprof.Profiles;
using Pprof.Runtime.Watch;

namespace Pprof.Cli.Tests;

/// <summary>dotnet-pprof watch (holmes from outside) against a real process that is calm for 20 s and then spins two
/// threads; holmes' rule itself on known rings; the verb's error paths.</summary>
public sealed class WatchCommandTests
{
    private static readonly Regex s_line = new(@"^\[watchdog\] (\d\d:\d\d:\d\d\.\d{3}) (.*)$");

    [Fact]
    public async Task ACpuSpikeAfterACalmStartGetsExactlyOneCpuDumpShowingTheSpinningMethod()
    {
        string dir = Path.Combine(Path.GetTempPath(), "watch-" + Guid.NewGuid().ToString("N"));
        var target = CollectProcessTests.StartTarget("120 calmspin");
        DateTime? spin = null;
        var reader = Task.Run(() =>
        {
            if (target.StandardOutput.ReadLine() == "spin") spin = DateTime.UtcNow;
        });
        try
        {
            var r = CliRunner.Run(new[]
            {
                "watch", "-p", target.Id.ToString(CultureInfo.InvariantCulture), "-o", dir, "-interval", "1s", "-cpu", "5,25,80",
                "-cooldown", "1m", "-profile-duration", "3s", "-d", "40s",
            });
            Assert.True(r.ExitCode == 0, r.Stderr);
            await reader.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(spin != null, "the target printed spin");
            var log = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => s_line.Match(l)).Where(m => m.Success)
                .Select(m => (Time: spin!.Value.Date + TimeSpan.ParseExact(m.Groups[1].Value, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture), Text: m.Groups[2].Value))
                .ToList();
            // Holmes' warm-up: nothing is checked before the ring holds 10 values.
            Assert.Equal(9, log.Count(l => l.Text.StartsWith("warming up ", StringComparison.Ordinal)));
            var checks = log.Where(l => l.Text.StartsWith("DUMP cpu ", StringComparison.Ordinal) || l.Text.StartsWith("NODUMP cpu ", StringComparison.Ordinal)).ToList();
            var dump = Assert.Single(checks, l => l.Text.StartsWith("DUMP", StringComparison.Ordinal));
            // None while calm: every check before the spin started said NODUMP.
            var calm = checks.Where(l => l.Time < spin!.Value).ToList();
            Assert.True(calm.Count >= 3, $"{calm.Count} checks while calm:\n{r.Stderr}");
            Assert.All(calm, l => Assert.StartsWith("NODUMP", l.Text));
            // At the spike: the dump comes at the first check whose value reached MIN (the checks between the spin line
            // and the dump still read the calm second before it, or a share of the core too small on a loaded machine),
            // and at most three checks after the spin began.
            Assert.True(dump.Time > spin!.Value, r.Stderr);
            var between = checks.Where(l => l.Time > spin.Value && l.Time < dump.Time).ToList();
            Assert.True(between.Count <= 3, $"{between.Count} checks after the spike before the dump:\n{r.Stderr}");
            Assert.All(between, l => Assert.True(Value(l.Text) < 5, $"a check at or above MIN did not dump: {l.Text}"));
            Assert.True(Value(dump.Text) >= 5, dump.Text);
            // Cooldown: every later cpu decision is the cooldown.
            var later = log.Where(l => l.Time > dump.Time && l.Text.Contains("cpu", StringComparison.Ordinal) && !l.Text.StartsWith("wrote", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(later);
            Assert.All(later, l => Assert.StartsWith("NODUMP cpu: in cooldown", l.Text));
            // Exactly one profile, a cpu profile named as holmes names them, showing the spinning method on top.
            string file = Assert.Single(Directory.GetFiles(dir));
            Assert.Matches(@"^cpu\.\d{14}\.\d{3}\.pb\.gz$", Path.GetFileName(file));
            var p = Profile.Parse(File.ReadAllBytes(file));
            int cpu = p.SampleTypes.FindIndex(t => t.Type == "cpu");
            var byFunction = p.Samples.GroupBy(s => s.Locations[0].Lines[0].Function?.Name ?? "").Select(g => (Name: g.Key, Value: g.Sum(s => s.Values[cpu]))).OrderByDescending(g => g.Value).ToList();
            Assert.Equal("Pprof.Runtime.TestTarget.Workloads.HotMethod", byFunction[0].Name);
        }
        finally
        {
            target.Kill();
            target.WaitForExit();
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    private static long Value(string decision) =>
        long.Parse(Regex.Match(decision, @" value=(\d+) ").Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public async Task AGrowingHeapGetsOneRetentionPairShowingTheGrowth()
    {
        string dir = Path.Combine(Path.GetTempPath(), "watch-" + Guid.NewGuid().ToString("N"));
        var target = CollectProcessTests.StartTarget("120 growheap");
        DateTime? grow = null;
        var reader = Task.Run(() =>
        {
            if (target.StandardOutput.ReadLine() == "grow") grow = DateTime.UtcNow;
        });
        try
        {
            var r = CliRunner.Run(new[]
            {
                "watch", "-p", target.Id.ToString(CultureInfo.InvariantCulture), "-o", dir, "-interval", "1s", "-gcheap", "5,25,90",
                "-memory-limit", "400MB", "-d", "45s",
            });
            Assert.True(r.ExitCode == 0, r.Stderr);
            await reader.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(grow != null, "the target printed grow");
            var checks = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => s_line.Match(l)).Where(m => m.Success)
                .Select(m => (Time: grow!.Value.Date + TimeSpan.ParseExact(m.Groups[1].Value, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture), Text: m.Groups[2].Value))
                .Where(l => l.Text.StartsWith("DUMP gcheap ", StringComparison.Ordinal) || l.Text.StartsWith("NODUMP gcheap ", StringComparison.Ordinal))
                .ToList();
            Assert.Single(checks, l => l.Text.StartsWith("DUMP", StringComparison.Ordinal));
            Assert.All(checks.Where(l => l.Time < grow!.Value), l => Assert.StartsWith("NODUMP", l.Text));
            // Two retention snapshots, one full GC apart; the second holds at least what the first did (the heap grows).
            var files = Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(2, files.Count);
            Assert.All(files, f => Assert.Matches(@"^retention\.\d{14}\.\d{3}(-2)?\.pb\.gz$", Path.GetFileName(f)));
            long[] inuse = files.Select(f =>
            {
                var p = Profile.Parse(File.ReadAllBytes(f));
                int i = p.SampleTypes.FindIndex(t => t.Type == "inuse_space");
                return p.Samples.Sum(s => s.Values[i]);
            }).ToArray();
            Assert.True(inuse[0] >= 20_000_000, $"the first snapshot holds the grown arrays ({inuse[0]} bytes; the rule fired at 5 % of 400 MB)");
            Assert.True(inuse[1] >= inuse[0], $"the heap grows between the two snapshots: {inuse[0]} -> {inuse[1]}");
        }
        finally
        {
            target.Kill();
            target.WaitForExit();
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Theory]
    // ring (current last), current, rule -> holmes' decision
    [InlineData(new long[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 8 }, 8, "5,25,80", true)]      // avg 0: any value >= MIN fires
    [InlineData(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 4 }, 4, "5,25,80", false)]     // below MIN never
    [InlineData(new long[] { 90, 90, 90, 90, 90, 90, 90, 90, 90, 81 }, 81, "5,25,80", true)] // above ABS always
    [InlineData(new long[] { 20, 20, 20, 20, 20, 20, 20, 20, 20, 24 }, 24, "5,25,80", false)] // avg 20: needs 25
    [InlineData(new long[] { 20, 20, 20, 20, 20, 20, 20, 20, 20, 25 }, 25, "5,25,80", true)]  // avg 20 (205/10 truncated): 25 >= 25
    [InlineData(new long[] { 10, 10, 10, 10, 10, 10, 10, 10, 10, 500 }, 500, "3,20,400,300", false)] // at or above MAX never
    [InlineData(new long[] { 10, 10, 10, 10, 10, 10, 10, 10, 10, 80 }, 80, "10,20,400,300", true)]
    public void HolmesRule(long[] ring, long current, string rule, bool dumps)
    {
        Assert.True(WatchdogRule.TryParse(rule, out var r));
        Assert.Equal(dumps, r!.Matches(ring, current));
        Assert.Equal(rule, r.ToString());
    }

    [Fact]
    public void ErrorsAreOneClearLine()
    {
        static (int Code, string Err) Run(params string[] args)
        {
            var e = new StringWriter();
            int code = CollectCommands.Run(args, new StringWriter(), e, CancellationToken.None);
            return (code, e.ToString().Replace("\r", ""));
        }
        var (code, err) = Run("watch", "-p", "2147483000", "-cpu", "10,25,80");
        Assert.Equal(1, code);
        Assert.Equal("dotnet-pprof watch: no process with pid 2147483000\n", err);
        (code, err) = Run("watch", "-p", "1");
        Assert.Equal(1, code);
        Assert.StartsWith("dotnet-pprof watch: no rule given", err);
        foreach (string bad in new[] { "10,25", "a,b,c", "10,25,80,90", "-1,2,3", "1,2,3,4,5" })
        {
            (code, err) = Run("watch", "-p", "1", "-cpu", bad);
            Assert.NotEqual(0, code);
            Assert.Contains($"invalid rule -cpu \"{bad}\"", err);
        }
        (code, err) = Run("watch", "-p", "1", "-goroutine", "3000,20,200000,500000", "-interval", "10ms");
        Assert.NotEqual(0, code);
        Assert.Contains("invalid duration \"10ms\"", err);
        (code, err) = Run("watch", "-p", "1", "-mem", "10,25,80", "-memory-limit", "lots");
        Assert.NotEqual(0, code);
        Assert.Contains("invalid -memory-limit \"lots\"", err);
        (code, err) = Run("watch", "-p", "1", "-cpu", "10,25,80", "-max-dumps", "0");
        Assert.NotEqual(0, code);
        Assert.Contains("invalid -max-dumps \"0\"", err);
    }
}
