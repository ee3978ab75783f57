using System.Diagnostics;
using System.Globalization;
using Pprof.Profiles;
using Pprof.Report;
using Pprof.Runtime;

namespace Pprof.Cli.Tests;

/// <summary><c>dotnet-pprof leaks</c> against real processes: a static list growing at a known rate is ranked first
/// and flagged; a bounded cache whose entries are replaced all the time is not. Plus its errors.</summary>
public sealed class LeaksTests
{
    private const string Target = "Pprof.Runtime.TestTarget";

    /// <summary>Leaked objects a second (<c>LeakWorkloads.LeakedPerSecond</c>).</summary>
    private const int LeakedPerSecond = 2000;

    /// <summary>Entries of the churning cache (<c>LeakWorkloads.CacheCapacity</c>).</summary>
    private const int CacheCapacity = 2000;

    [Fact]
    public void AGrowingStaticListIsRankedFirstAndFlagged()
    {
        var (stdout, snapshots, html) = TakeSnapshots("leak");
        // The text table: the first row of "By type" is the leaked type, flagged.
        string firstType = FirstRowAfter(stdout, "By type");
        Assert.True(firstType.StartsWith('*') && firstType.EndsWith(Target + ".LeakedOrder", StringComparison.Ordinal), stdout);
        string firstPath = FirstRowAfter(stdout, "By retention path");
        Assert.True(firstPath.StartsWith('*') && firstPath.Contains("s_leakedOrders", StringComparison.Ordinal), stdout);
        Assert.Contains("<svg", html);
        Assert.Contains("<tr class=\"leak\">", html);
        Assert.Contains(Target + ".LeakedOrder", html);

        // The saved snapshots, by object count: the leaked type first, flagged, growing at the known rate (within a
        // factor of two: the snapshots' times are when each collection started, not the instant of its GC).
        var report = LeakReport.Analyze(snapshots, new LeakReportOptions { SampleIndex = "inuse_objects" });
        var top = report.RowsBy(LeakGrouping.Type).First();
        Assert.Equal(Target + ".LeakedOrder", top.Name);
        Assert.True(top.IsLeak);
        Assert.True(top.Growth.All(g => g > 0));
        Assert.True(top.GrowthPerSecond is > LeakedPerSecond / 2.0 and < LeakedPerSecond * 2.0, string.Join(" ", top.Values) + " per second " + top.GrowthPerSecond);
        var path = report.RowsBy(LeakGrouping.Path).First();
        Assert.True(path.IsLeak);
        Assert.StartsWith("static " + Target + ".LeakWorkloads.s_leakedOrders", path.Name);
        Assert.EndsWith(Target + ".LeakedOrder", path.Name);
    }

    [Fact]
    public void ABoundedChurningCacheIsNotFlagged()
    {
        var (stdout, snapshots, _) = TakeSnapshots("churn");
        Assert.DoesNotContain(stdout.Split('\n'), l => l.StartsWith('*') && l.Contains("ChurnEntry", StringComparison.Ordinal));
        var report = LeakReport.Analyze(snapshots, new LeakReportOptions { SampleIndex = "inuse_objects" });
        var entries = report.RowsBy(LeakGrouping.Type).Single(r => r.Name == Target + ".ChurnEntry");
        Assert.False(entries.IsLeak);
        // Every snapshot holds the cache's entries (one more when the snapshot caught a new entry in a local).
        Assert.True(entries.Values.All(v => v is CacheCapacity or CacheCapacity + 1), string.Join(" ", entries.Values));
        Assert.DoesNotContain(report.Rows, r => r.IsLeak && r.Name.Contains("ChurnEntry", StringComparison.Ordinal));
    }

    [Fact]
    public void InterruptedBeforeThreeSnapshotsWritesNothing()
    {
        string dir = Path.Combine(Path.GetTempPath(), "leaks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var target = CollectProcessTests.StartTarget("300 leak");
        try
        {
            // Snapshots a minute apart, SIGINT (as Ctrl+C sends) after 8 s: one snapshot at most, so no report.
            Task? interrupt = null;
            var r = CliRunner.Run(new[] { "leaks", "-p", target.Id.ToString(CultureInfo.InvariantCulture), "-n", "5", "-interval", "1m", "--save-dir", dir }, timeoutMs: 300_000,
                started: pid => interrupt = Task.Run(async () =>
                {
                    await Task.Delay(8000);
                    using var kill = Process.Start("kill", new[] { "-INT", pid.ToString(CultureInfo.InvariantCulture) })!;
                    await kill.WaitForExitAsync();
                }));
            Assert.True(r.ExitCode == 1, r.Stderr);
            Assert.Matches(@"dotnet-pprof leaks: stopped after [01] of 5 snapshots: a leak report needs three; nothing was written\n$", r.Stderr);
            Assert.Empty(r.StdoutText);
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            target.Kill();
            target.WaitForExit();
            target.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs the workload and <c>leaks -p PID -n 4 -interval 3s</c> with the snapshots and the HTML page
    /// saved; returns the text report, the snapshots and the page.</summary>
    private static (string Stdout, List<Profile> Snapshots, string Html) TakeSnapshots(string workload)
    {
        string dir = Path.Combine(Path.GetTempPath(), "leaks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var target = CollectProcessTests.StartTarget("300 " + workload);
        try
        {
            // Let the workload start (the cache fills in a tenth of a second).
            Thread.Sleep(1000);
            string html = Path.Combine(dir, "leaks.html");
            var r = CliRunner.Run(new[] { "leaks", "-p", target.Id.ToString(CultureInfo.InvariantCulture), "-n", "4", "-interval", "3s", "--save-dir", dir, "-o", html }, timeoutMs: 600_000);
            Assert.True(r.ExitCode == 0, r.Stderr + r.StdoutText);
            var files = Directory.GetFiles(dir, "retention-*.pb.gz").Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(4, files.Length);
            foreach (var f in files) Assert.Contains("wrote snapshot", r.Stderr);
            return (r.StdoutText, files.Select(f => Profile.Parse(File.ReadAllBytes(f))).ToList(), File.ReadAllText(html));
        }
        finally
        {
            target.Kill();
            target.WaitForExit();
            target.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The first table row after the heading that starts with <paramref name="heading"/> (skipping the
    /// column titles).</summary>
    private static string FirstRowAfter(string text, string heading)
    {
        var lines = text.Split('\n');
        int h = Array.FindIndex(lines, l => l.StartsWith(heading, StringComparison.Ordinal));
        Assert.True(h >= 0 && h + 2 < lines.Length, text);
        return lines[h + 2];
    }

    [Fact]
    public async Task HttpServesThePageUntilInterrupted()
    {
        string dir = Path.Combine(Path.GetTempPath(), "leaks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var files = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            var p = new Profile { TimeNanos = 1_700_000_000_000_000_000 + i * 10_000_000_000L };
            p.SampleTypes.Add(new ProfileValueType("inuse_objects", "count"));
            p.SampleTypes.Add(new ProfileValueType("inuse_space", "bytes"));
            var fn = new Function { Id = 1, Name = "App.Leaky<T>" };
            var loc = new Location { Id = 1, Lines = new[] { new Line(fn, 0) } };
            p.Functions.Add(fn);
            p.Locations.Add(loc);
            p.Samples.Add(new Sample(new[] { loc }, new long[] { i + 1, 1000 * (i + 1) }));
            files.Add(Path.Combine(dir, $"h{i}.pb.gz"));
            using var f = File.Create(files[^1]);
            p.Write(f);
        }
        var psi = new ProcessStartInfo(CliRunner.DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "exec", CliRunner.CliDll, "leaks", "-http=127.0.0.1:0", "-no_browser" }.Concat(files)) psi.ArgumentList.Add(arg);
        using var cli = Process.Start(psi)!;
        try
        {
            _ = cli.StandardOutput.ReadToEndAsync();
            string? line;
            string? url = null;
            while (url == null && (line = await cli.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2))) != null)
            {
                int at = line.IndexOf("http://", StringComparison.Ordinal);
                if (at >= 0) url = line[at..].Split(' ')[0];
            }
            Assert.NotNull(url);
            using var http = new HttpClient();
            var page = await http.GetAsync(url);
            Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
            string html = await page.Content.ReadAsStringAsync();
            Assert.Contains("<svg", html);
            Assert.Contains("App.Leaky&lt;T&gt;", html);   // names are escaped
            Assert.DoesNotContain("<script", html);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(url + "nothing")).StatusCode);
            using (var kill = Process.Start("kill", new[] { "-INT", cli.Id.ToString(CultureInfo.InvariantCulture) })!) await kill.WaitForExitAsync();
            Assert.True(cli.WaitForExit(60_000));
            Assert.Equal(0, cli.ExitCode);
        }
        finally
        {
            if (!cli.HasExited) cli.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void BadInputIsOneClearError()
    {
        string dir = Path.Combine(Path.GetTempPath(), "leaks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string Write(string name, params (string, string)[] types)
            {
                var p = new Profile { TimeNanos = 1 };
                foreach (var (t, u) in types) p.SampleTypes.Add(new ProfileValueType(t, u));
                string path = Path.Combine(dir, name);
                using var f = File.Create(path);
                p.Write(f);
                return path;
            }
            string a = Write("a.pb.gz", ("inuse_objects", "count"), ("inuse_space", "bytes"), ("retained_space", "bytes"));
            string b = Write("b.pb.gz", ("inuse_objects", "count"), ("inuse_space", "bytes"), ("retained_space", "bytes"));
            string cpu = Write("cpu.pb.gz", ("samples", "count"), ("cpu", "nanoseconds"));
            string junk = Path.Combine(dir, "junk.pb.gz");
            File.WriteAllText(junk, "not a profile");

            var two = CliRunner.Run(new[] { "leaks", a, b });
            Assert.Equal(2, two.ExitCode);
            Assert.Equal("dotnet-pprof leaks: give three or more profiles in time order (got 2), or -p PID to take them\n", two.Stderr);

            var mixed = CliRunner.Run(new[] { "leaks", a, b, cpu });
            Assert.Equal(1, mixed.ExitCode);
            Assert.Equal("dotnet-pprof leaks: profile 3 has sample types [samples/count cpu/nanoseconds] but profile 1 has [inuse_objects/count inuse_space/bytes retained_space/bytes]: give profiles of one kind\n", mixed.Stderr);

            var missing = CliRunner.Run(new[] { "leaks", a, b, Path.Combine(dir, "missing.pb.gz") });
            Assert.Equal(1, missing.ExitCode);
            Assert.StartsWith($"dotnet-pprof leaks: {Path.Combine(dir, "missing.pb.gz")}: ", missing.Stderr);

            var unreadable = CliRunner.Run(new[] { "leaks", a, b, junk });
            Assert.Equal(1, unreadable.ExitCode);
            Assert.StartsWith($"dotnet-pprof leaks: {junk}: ", unreadable.Stderr);
            Assert.Single(unreadable.Stderr.TrimEnd('\n').Split('\n'));

            var index = CliRunner.Run(new[] { "leaks", "-sample_index=bogus", a, b, a });
            Assert.Equal(1, index.ExitCode);
            Assert.Equal("dotnet-pprof leaks: sample_index \"bogus\" is not a sample type of these profiles (valid: inuse_objects, inuse_space, retained_space)\n", index.Stderr);

            var count = CliRunner.Run(new[] { "leaks", "-n", "3", a, b, a });
            Assert.Equal(2, count.ExitCode);
            Assert.Contains("-n, -interval, -kind and --save-dir are for taking snapshots of a process", count.Stderr);

            var kind = CliRunner.Run(new[] { "leaks", "-p", "1", "-kind", "cpu" });
            Assert.Equal(2, kind.ExitCode);
            Assert.Equal("dotnet-pprof leaks: -kind must be retention or heap, not \"cpu\"\n", kind.Stderr);

            var few = CliRunner.Run(new[] { "leaks", "-p", "1", "-n", "2" });
            Assert.Equal(2, few.ExitCode);
            Assert.Equal("dotnet-pprof leaks: -n must be between 3 and 100\n", few.Stderr);
            var many = CliRunner.Run(new[] { "leaks", "-p", "1", "-n", "101" });
            Assert.Equal(2, many.ExitCode);
            Assert.Equal("dotnet-pprof leaks: -n must be between 3 and 100\n", many.Stderr);

            var rows = CliRunner.Run(new[] { "leaks", "-nodecount", "0", a, b, a });
            Assert.Equal(2, rows.ExitCode);
            Assert.Equal("dotnet-pprof leaks: -nodecount must be 1 or more\n", rows.Stderr);

            // -kind heap: until the heap kind (live memory by allocation site) is registered, a plain error naming the
            // kinds there are; once it is, the run goes on to the process (pid 2147483647 does not exist).
            var heap = CliRunner.Run(new[] { "leaks", "-p", "2147483647", "-kind", "heap" });
            Assert.NotEqual(0, heap.ExitCode);
            Assert.Equal(RuntimeProfiles.KindNames.Contains("heap")
                ? "dotnet-pprof leaks: no process with pid 2147483647\n"
                : $"dotnet-pprof leaks: this build of dotnet-pprof has no \"heap\" profile kind (it has: {string.Join(", ", RuntimeProfiles.KindNames)}); use -kind retention\n",
                heap.Stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
