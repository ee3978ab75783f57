using System.Diagnostics;
using System.Globalization;
using Pprof.Profiles;
using Pprof.Runtime.TestTarget;

namespace Pprof.Cli.Tests;

/// <summary>The heap profile (live bytes by allocation site) of a real process whose live heap is known: the
/// FillCache workload keeps 20,000 1 KiB arrays live, allocated on one line, while another site churns garbage. The
/// allocating line must carry the live bytes (±25 %, the sampling's error on ~200 samples is about 7 %) in
/// <c>-sample_index=inuse_space -list FillCache</c>, and the churning line almost none.</summary>
public sealed class HeapSiteTests
{
    private static string TargetDll => Path.Combine(AppContext.BaseDirectory, "Pprof.Runtime.TestTarget.dll");

    [Fact]
    public void OutOfProcessHeapProfilePutsTheLiveBytesOnTheAllocatingLine()
    {
        string file = Path.Combine(Path.GetTempPath(), $"heapsite-{Guid.NewGuid():N}.pb.gz");
        var target = CollectProcessTests.StartTarget("120 fillcache");
        try
        {
            // The cache is refilled (and the old one collected) every second or so: a 10 s window sees several fills.
            var r = CliRunner.Run(new[] { "collect", "heap", "-p", target.Id.ToString(CultureInfo.InvariantCulture), "-d", "10s", "-o", file }, timeoutMs: 300_000);
            Assert.True(r.ExitCode == 0, r.Stderr);
            var p = Profile.Parse(File.ReadAllBytes(file));
            Assert.Equal(new[] { "alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes" }, p.SampleTypes.Select(t => t.ToString()));
            Assert.Equal("space/bytes", p.PeriodType!.ToString());
            Assert.Contains(p.Comments, c => c.Contains("allocated in the window", StringComparison.Ordinal));
            AssertFillCacheLine(file, "");
            // Every refill is allocated: alloc_space on the line is several times the live bytes.
            double allocated = ListedBytes(file, "alloc_space", "FillCache allocation line");
            Assert.True(allocated > 2 * HeapSiteWorkloads.CacheBytes, $"alloc_space on the FillCache line {allocated}");
        }
        finally
        {
            target.Kill();
            target.WaitForExit();
            target.Dispose();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task InProcessHeapProfileSwitchedOnByConfigurationAndItsBaseShowsTheGrowth()
    {
        string file = Path.Combine(Path.GetTempPath(), $"heapsite-in-{Guid.NewGuid():N}.pb.gz");
        try
        {
            var psi = new ProcessStartInfo(CliRunner.DotnetHost, $"\"{TargetDll}\" 120 heapinproc") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["PPROF_TEST_HEAP_OUT"] = file;
            // Off by default in-process: the environment variable switches it on when the profiler is first used.
            psi.Environment["PPROF_HEAP_PROFILING"] = "1";
            using (var target = Process.Start(psi)!)
            {
                var stderr = target.StandardError.ReadToEndAsync();
                _ = target.StandardOutput.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
                try
                {
                    await target.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    target.Kill();
                    Assert.Fail("the in-process heap workload did not finish");
                }
                Assert.True(target.ExitCode == 0, await stderr);
            }
            AssertFillCacheLine(file, "");
            // -base: the profile before the fill subtracted, the growth is on the allocating line.
            AssertFillCacheLine(file, file + ".before");
            // debug=1: Go's legacy heap text (raw sample counts, the rate in the header) with the MemStats trailer,
            // which pprof reads back to the same estimates.
            string text = File.ReadAllText(file + ".txt");
            Assert.StartsWith("heap profile: ", text);
            Assert.Contains("@ heap/204800\n", text);
            Assert.Contains("\n# runtime.MemStats\n", text);
            Assert.Contains("Pprof.Runtime.TestTarget.HeapSiteWorkloads.FillCache\t", text);
            var top = CliRunner.Run(new[] { "-sample_index=inuse_space", "-top", file + ".txt" });
            Assert.True(top.ExitCode == 0, top.Stderr);
            var fromProto = CliRunner.Run(new[] { "-sample_index=inuse_space", "-top", file });
            Assert.Equal(Total(fromProto.StdoutText), Total(top.StdoutText), 0.01 * Total(fromProto.StdoutText));
        }
        finally
        {
            foreach (var f in new[] { file, file + ".before", file + ".txt" }) File.Delete(f);
        }
    }

    /// <summary>The live bytes listed on the FillCache allocation line are the cache's, ±25 %; the churn line has little.</summary>
    private static void AssertFillCacheLine(string file, string baseFile)
    {
        double live = ListedBytes(file, "inuse_space", "FillCache allocation line", baseFile);
        double truth = HeapSiteWorkloads.CacheBytes;
        Assert.True(live >= 0.75 * truth && live <= 1.25 * truth, $"inuse_space on the FillCache line {live:0} bytes, truth {truth:0}");
        double churn = ListedBytes(file, "inuse_space", "Churn allocation line", baseFile);
        Assert.True(churn < 0.05 * truth, $"inuse_space on the Churn line {churn:0} bytes");
    }

    /// <summary>The cum value on the source line marked <paramref name="marker"/> in <c>-list</c>, in bytes (0 when
    /// the line is not listed: a routine without samples is not shown).</summary>
    private static double ListedBytes(string file, string sampleIndex, string marker, string baseFile = "")
    {
        var args = new List<string> { "-sample_index=" + sampleIndex, "-list", "HeapSiteWorkloads.(FillCache|Churn)$" };
        if (baseFile.Length > 0) args.Add("-base=" + baseFile);
        args.Add(file);
        var r = CliRunner.Run(args);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string? line = r.StdoutText.Split('\n').FirstOrDefault(l => l.Contains(marker, StringComparison.Ordinal));
        if (line == null) return 0;
        var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return Bytes(cols[1]);
    }

    private static double Total(string top)
    {
        string line = top.Split('\n').First(l => l.StartsWith("Showing nodes accounting for", StringComparison.Ordinal));
        string total = line[(line.IndexOf("of ", StringComparison.Ordinal) + 3)..].Split(' ')[0];
        return Bytes(total);
    }

    /// <summary>pprof's byte figures: B, kB, MB, GB, TB in powers of 1024; "." is zero.</summary>
    private static double Bytes(string v)
    {
        if (v == ".") return 0;
        string[] units = { "TB", "GB", "MB", "kB", "B" };
        double[] scale = { 1L << 40, 1L << 30, 1L << 20, 1L << 10, 1 };
        for (int i = 0; i < units.Length; i++)
        {
            if (v.EndsWith(units[i], StringComparison.Ordinal))
                return double.Parse(v[..^units[i].Length], CultureInfo.InvariantCulture) * scale[i];
        }
        throw new FormatException("not a byte figure: " + v);
    }
}
