using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pprof.Cli.Collect;

namespace Pprof.Cli.Tests;

/// <summary>dotnet-pprof stats and gctrace run as real processes against a real workload (a forced gen2 GC every
/// 500 ms, a spinning thread), and their error paths.</summary>
public sealed class StatsCommandTests
{
    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    private static (int Code, string Out, string Err) RunInProcess(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CollectCommands.Run(args, o, e, CancellationToken.None);
        return (code, o.ToString(), e.ToString().Replace("\r", ""));
    }

    [Fact]
    public void StatsPrintsOneLinePerIntervalAsJsonOrTable()
    {
        var target = CollectProcessTests.StartTarget("120 cpu gc500");
        try
        {
            var r = CliRunner.Run(new[] { "stats", "-p", Pid(target.Id), "-interval", "1s", "-count", "3", "-json" });
            Assert.True(r.ExitCode == 0, r.Stderr);
            string[] lines = r.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, lines.Length);
            var docs = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.All(docs, d => Assert.Equal(target.Id, d.GetProperty("pid").GetInt32()));
            long Gen2(JsonElement d) => d.GetProperty("gen2Collections").GetInt64();
            Assert.True(Gen2(docs[2]) - Gen2(docs[0]) >= 2, $"gen2 GCs {Gen2(docs[0])} -> {Gen2(docs[2])}: one forced every 500 ms");
            Assert.All(docs, d => Assert.True(d.GetProperty("cpuPercent").GetDouble() > 5, "a thread spins"));
            Assert.All(docs, d => Assert.True(d.GetProperty("threads").GetInt32() >= 3, "main thread and two workload threads"));
            Assert.All(docs, d => Assert.True(d.GetProperty("rssBytes").GetInt64() > 0));
            Assert.All(docs, d => Assert.InRange(d.GetProperty("intervalSeconds").GetDouble(), 0.2, 10));

            r = CliRunner.Run(new[] { "stats", "-p", Pid(target.Id), "-count", "2" });
            Assert.True(r.ExitCode == 0, r.Stderr);
            lines = r.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(4, lines.Length);
            Assert.StartsWith($"# pid {target.Id}, ", lines[0]);
            string[] header = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(new[] { "TIME", "CPU%", "RSS", "HEAP", "COMMIT", "FRAG", "ALLOC/s", "GC0", "GC1", "GC2", "PAUSE%", "THR", "TP", "TPQ", "TP/s", "LOCK/s", "EXC/s", "TIMERS", "JIT" }, header);
            Assert.Equal(lines[1].Length, lines[2].Length);
            string[] row = lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(header.Length, row.Length);
            Assert.Matches(@"^\d\d:\d\d:\d\d$", row[0]);
            Assert.True(int.Parse(row[9], CultureInfo.InvariantCulture) >= 1, "the second row counts the gen2 GCs of its interval: " + lines[3]);
        }
        finally
        {
            target.Kill();
            target.WaitForExit();
        }
    }

    [Fact]
    public void GcTracePrintsOneLinePerGc()
    {
        var target = CollectProcessTests.StartTarget("120 gc500");
        try
        {
            var r = CliRunner.Run(new[] { "gctrace", "-p", Pid(target.Id), "-d", "4s" });
            Assert.True(r.ExitCode == 0, r.Stderr);
            string[] lines = r.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = new Regex(@"^gc (\d+) @(\d+\.\d{3})s (\d+)%: gen([012])(?: background| foreground)? \((\w+)\) pause [\d.]+ ms, [\d.]+->[\d.]+ MB heap, (?:[\d.]+ MB committed, )?[\d.]+ MB promoted$");
            Assert.All(lines, l => Assert.Matches(line, l));
            var induced = lines.Select(l => line.Match(l)).Where(m => m.Groups[4].Value == "2" && m.Groups[5].Value == "Induced").ToList();
            // A gen2 GC every 500 ms for 4 s (minus the session's start-up): at least 3, at most 9.
            Assert.InRange(induced.Count, 3, 9);
            var numbers = lines.Select(l => long.Parse(line.Match(l).Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(numbers.Order(), numbers);

            r = CliRunner.Run(new[] { "gctrace", "-p", Pid(target.Id), "-d", "3s", "-json" });
            Assert.True(r.ExitCode == 0, r.Stderr);
            var docs = r.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Contains(docs, d => d.GetProperty("generation").GetInt32() == 2 && d.GetProperty("reason").GetString() == "Induced");
            Assert.All(docs, d => Assert.True(d.GetProperty("heapBeforeBytes").GetInt64() > 0 && d.GetProperty("pauseSeconds").GetDouble() > 0));
        }
        finally
        {
            target.Kill();
            target.WaitForExit();
        }
    }

    [Fact]
    public void ErrorsAreOneClearLine()
    {
        var (code, _, err) = RunInProcess("stats", "-p", "2147483000");
        Assert.Equal(1, code);
        Assert.Equal("dotnet-pprof stats: no process with pid 2147483000\n", err);
        (code, _, err) = RunInProcess("gctrace", "-p", "2147483000", "-d", "1s");
        Assert.Equal(1, code);
        Assert.Equal("dotnet-pprof gctrace: no process with pid 2147483000\n", err);
        (code, _, err) = RunInProcess("stats");
        Assert.Equal(1, code);
        Assert.Equal("dotnet-pprof stats: which process? give -p PID or -n NAME (see dotnet-pprof ps)\n", err);
        foreach (string bad in new[] { "10ms", "0", "soon", "-1s" })
        {
            (code, _, err) = RunInProcess("stats", "-p", "1", "-interval", bad);
            Assert.NotEqual(0, code);
            Assert.Contains($"invalid interval \"{bad}\"", err);
        }
        foreach (string bad in new[] { "0", "-3", "many" })
        {
            (code, _, err) = RunInProcess("stats", "-p", "1", "-count", bad);
            Assert.NotEqual(0, code);
            Assert.Contains($"invalid count \"{bad}\"", err);
        }
        (code, _, err) = RunInProcess("gctrace", "-p", "1", "-d", "forever");
        Assert.NotEqual(0, code);
        Assert.Contains("invalid duration \"forever\"", err);
        (code, _, err) = RunInProcess("stats", "-p", "abc");
        Assert.NotEqual(0, code);
        Assert.Contains("invalid process id \"abc\"", err);
        (code, _, err) = RunInProcess("gctrace", "-p", "1", "--", "dotnet");
        Assert.Equal(1, code);
        Assert.Contains("give -p, -n or -- COMMAND, not several", err);
        (code, _, err) = RunInProcess("memstats", "-p", "1", "--", "dotnet");
        Assert.Equal(2, code);
        Assert.Contains("-- COMMAND is only for collect, stats, gctrace, watch and dashboard", err);
    }
}
