using System.Diagnostics;
using static Pprof.Runtime.Tests.ProfileAssert;

namespace Pprof.Runtime.Tests;

/// <summary>Faults and bad input, against real processes.</summary>
[Collection("runtime")]
public sealed class FaultTests
{
    internal static string TargetDll => Path.Combine(AppContext.BaseDirectory, "Pprof.Runtime.TestTarget.dll");

    /// <summary>Starts the test target and waits for its "ready" line.</summary>
    internal static Process StartTarget(string args, Dictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo("dotnet", $"\"{TargetDll}\" {args}") { RedirectStandardOutput = true, UseShellExecute = false };
        if (env != null) foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        var line = p.StandardOutput.ReadLine();
        Assert.StartsWith("ready", line);
        // The diagnostic socket is created at runtime start, before Main: it should be there; wait for it if not
        // (unless diagnostics are switched off).
        if (env?.GetValueOrDefault("DOTNET_EnableDiagnostics") != "0")
        {
            var waited = Stopwatch.StartNew();
            while (Directory.GetFiles(Path.GetTempPath(), $"dotnet-diagnostic-{p.Id}-*-socket").Length == 0 && waited.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(20);
        }
        return p;
    }

    [Fact]
    public async Task UnknownPidGivesOneClearLine()
    {
        var e = await Assert.ThrowsAsync<ProfilerException>(() => RuntimeProfiles.CollectAsync(int.MaxValue - 7, ProfileKind.Cpu, TimeSpan.FromSeconds(1)));
        Assert.Equal($"no process with pid {int.MaxValue - 7}", e.Message);
    }

    [Fact]
    public async Task NonDotnetProcessGivesOneClearLine()
    {
        using var sleep = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            var e = await Assert.ThrowsAsync<ProfilerException>(() => RuntimeProfiles.CollectAsync(sleep.Id, ProfileKind.Cpu, TimeSpan.FromSeconds(1)));
            Assert.Contains("is not a .NET process", e.Message);
            Assert.Contains("DOTNET_EnableDiagnostics=0", e.Message);
            Assert.DoesNotContain("\n", e.Message);
        }
        finally
        {
            sleep.Kill();
        }
    }

    [Fact]
    public async Task SocketLeftByAnEarlierProcessWithTheSamePidIsIgnored()
    {
        // A .NET process that dies without cleaning up leaves dotnet-diagnostic-PID-KEY-socket behind; when the pid is
        // reused by another program, that program must not look like a .NET process (in ps, or when collecting).
        using var sleep = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        ulong? start = ProcessDiscovery.StartTime(sleep.Id);
        Assert.NotNull(start);
        string stale = Path.Combine(ProcessDiscovery.SocketDirectory, $"dotnet-diagnostic-{sleep.Id}-{start + 12345}-socket");
        File.WriteAllText(stale, "");
        try
        {
            Assert.False(ProcessDiscovery.HasSocket(sleep.Id));
            Assert.DoesNotContain(sleep.Id, ProcessDiscovery.ProcessIds());
            var e = await Assert.ThrowsAsync<ProfilerException>(() => RuntimeProfiles.CollectAsync(sleep.Id, ProfileKind.Cpu, TimeSpan.FromSeconds(1)));
            Assert.Contains("is not a .NET process", e.Message);
            // This process's own socket carries its start time.
            Assert.True(ProcessDiscovery.HasSocket(Environment.ProcessId));
            Assert.Contains(Environment.ProcessId, ProcessDiscovery.ProcessIds());
        }
        finally
        {
            File.Delete(stale);
            sleep.Kill();
        }
    }

    [Fact]
    public async Task DiagnosticsDisabledNamesTheVariable()
    {
        using var target = StartTarget("30 idle", new() { ["DOTNET_EnableDiagnostics"] = "0" });
        try
        {
            var e = await Assert.ThrowsAsync<ProfilerException>(() => RuntimeProfiles.CollectAsync(target.Id, ProfileKind.Allocs, TimeSpan.FromSeconds(1)));
            Assert.Contains("DOTNET_EnableDiagnostics", e.Message);
        }
        finally
        {
            target.Kill();
        }
    }

    [Fact]
    public async Task OutOfProcessCollectionOfEachKind()
    {
        using var target = StartTarget("60");
        try
        {
            foreach (var kind in Enum.GetValues<ProfileKind>())
            {
                var p = RoundTrip(await RuntimeProfiles.CollectAsync(target.Id, kind, TimeSpan.FromSeconds(kind is ProfileKind.ThreadCreate or ProfileKind.Exceptions ? 1.5 : 1)));
                string expected = kind switch
                {
                    ProfileKind.Cpu => "Workloads.HotMethod",
                    ProfileKind.Wall => "Workloads.HotMethod",
                    ProfileKind.Allocs or ProfileKind.Heap => "Workloads.AllocateMix",
                    ProfileKind.Mutex => "Workloads.EnterContended",
                    ProfileKind.Block => "Workloads.BlockOnWaits",
                    ProfileKind.ThreadCreate => "Workloads.CreateThreads",
                    _ => "Workloads.Thrower",
                };
                Assert.True(p.Samples.Any(s => HasFrame(s, expected)), $"{kind}: no sample in {expected}");
            }
        }
        finally
        {
            target.Kill();
        }
    }

    [Fact]
    public async Task TargetExitingMidCollectionLeavesAPartialProfile()
    {
        using var target = StartTarget("1.5 cpu");
        var sw = Stopwatch.StartNew();
        var p = await RuntimeProfiles.CollectAsync(target.Id, ProfileKind.Cpu, TimeSpan.FromSeconds(30));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"collection took {sw.Elapsed}");
        Assert.Contains(p.Comments, c => c.Contains("profile is partial", StringComparison.Ordinal));
        Assert.Contains(p.Samples, s => HasFrame(s, "Workloads.HotMethod"));
        RoundTrip(p);
    }
}
