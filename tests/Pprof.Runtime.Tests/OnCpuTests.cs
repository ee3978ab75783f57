using System.Diagnostics;
using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Pprof.Profiles;
using Pprof.Runtime.Collectors;
using Pprof.Runtime.Internal;
using Pprof.Runtime.OnCpu;
using Pprof.Runtime.TestTarget;
using Xunit.Abstractions;
using static Pprof.Runtime.Tests.ProfileAssert;

namespace Pprof.Runtime.Tests;

/// <summary>The on-CPU cpu profile (perf_event task clock) against real processes whose CPU use is known: a thread
/// that spins 5 ms and sleeps 5 ms, an allocation-bound thread whose collections run in libcoreclr.so, the process's
/// CPU time from the kernel over the same window, the CLI with and without the forced fallback, and go tool pprof on
/// the same file.</summary>
[Collection("runtime")]
public sealed class OnCpuTests
{
    private readonly ITestOutputHelper _output;

    public OnCpuTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task OnCpuProfileSeesOnlyRunningCodeNativeFramesAndAllTheProcessCpu()
    {
        using var target = FaultTests.StartTarget("300 spinsleep allocheavy");
        try
        {
            var window = new StatWindow();
            var profiles = await SessionCollection.CollectAsync(target.Id, new EventCollector[] { new CpuCollector(), window }, TimeSpan.FromSeconds(6), null, CancellationToken.None);
            var p = RoundTrip(profiles[0]);
            Assert.Contains(CpuCollector.OnCpuMode, p.Comments);
            Assert.Equal("cpu", p.PeriodType!.Type);
            Assert.Equal("nanoseconds", p.PeriodType.Unit);
            Assert.Equal(10_000_000, p.Period);
            Assert.Equal(new[] { "samples/count", "cpu/nanoseconds" }, p.SampleTypes.Select(t => t.ToString()));

            // The spin/sleep thread: on CPU only while it spins.
            var spinner = p.Samples.Where(s => Label(s, "thread_name") == "wl-spinsleep").ToList();
            long spinnerSamples = spinner.Sum(s => s.Values[0]);
            long inSleep = spinner.Where(s => HasFrame(s, "OnCpuWorkloads.SleepPhase")).Sum(s => s.Values[0]);
            long inSpin = spinner.Where(s => HasFrame(s, "OnCpuWorkloads.SpinPhase")).Sum(s => s.Values[0]);
            string spin = $"spin/sleep thread: {spinnerSamples} samples, {inSpin} in SpinPhase, {inSleep} in SleepPhase";
            _output.WriteLine(spin);
            Assert.True(spinnerSamples >= 30, spin);
            Assert.True(inSleep <= 0.05 * spinnerSamples, spin);
            Assert.True(inSpin >= 0.8 * spinnerSamples, spin);

            // The allocating thread: its collections and allocation slow paths are libcoreclr.so code (leaf frames).
            var allocator = p.Samples.Where(s => Label(s, "thread_name") == "wl-allocheavy").ToList();
            long allocSamples = allocator.Sum(s => s.Values[0]);
            long inCoreclr = allocator.Where(s => s.Locations[0].Mapping?.File.EndsWith("/libcoreclr.so", StringComparison.Ordinal) == true).Sum(s => s.Values[0]);
            string alloc = $"allocating thread: {allocSamples} samples, {inCoreclr} with the leaf in libcoreclr.so";
            _output.WriteLine(alloc);
            Assert.True(allocSamples >= 30, alloc);
            Assert.True(inCoreclr >= 0.01 * allocSamples, alloc);
            Assert.DoesNotContain(p.Functions, f => f.Name == "[native code]");
            // Managed frames keep names, files and lines.
            Assert.Contains(p.Functions, f => f.Name == "Pprof.Runtime.TestTarget.OnCpuWorkloads.AllocateHeavily" && f.Filename.EndsWith("Workloads.OnCpu.cs", StringComparison.Ordinal));

            // The whole profile against the kernel's utime+stime of the process over the same window: every thread was
            // sampled (the task clocks' counts cover exactly the threads sampled); the samples themselves hold the user
            // time of threads busy for more than a few periods, the rest is the unsampled frame.
            long total = Sum(p, "cpu", _ => true);
            long sampled = Sum(p, "cpu", s => !HasFrame(s, CpuCollector.UnsampledFrame));
            string totals = $"profile {total / 1e9:0.000} s ({sampled / 1e9:0.000} s in stacks), /proc/{target.Id}/stat utime+stime {window.CpuNs / 1e9:0.000} s over the window";
            _output.WriteLine(totals);
            Assert.True(window.CpuNs > 500_000_000L, totals);
            Assert.True(Math.Abs(total - window.CpuNs) <= 0.1 * window.CpuNs, totals);
            Assert.True(sampled >= 0.7 * window.CpuNs, totals);
        }
        finally
        {
            target.Kill();
        }
    }

    [Fact]
    public async Task CliWritesAnOnCpuProfileThatGoReadsTheSameWay()
    {
        string? go = FindOnPath("go");
        Assert.True(go != null, "go is not on PATH: install Go to compare go tool pprof -top with ours");
        using var target = FaultTests.StartTarget("300 spinsleep");
        string file = Path.Combine(Path.GetTempPath(), $"oncpu-{Guid.NewGuid():N}.pb.gz");
        try
        {
            var (rc, _, stderr) = await Run("dotnet", Cli, "collect", "cpu", "-p", target.Id.ToString(CultureInfo.InvariantCulture), "-d", "3s", "--rate", "200", "-o", file);
            Assert.True(rc == 0, stderr);
            // On-CPU: no fallback line on stderr, the mode in the comments.
            Assert.DoesNotContain("unavailable", stderr, StringComparison.Ordinal);
            var p = Profile.Parse(File.ReadAllBytes(file));
            Assert.Contains(CpuCollector.OnCpuMode, p.Comments);
            Assert.Equal(5_000_000, p.Period);
            var (ourRc, ours, ourErr) = await Run("dotnet", Cli, "-top", "-nodecount=15", file);
            var (goRc, theirs, goErr) = await Run(go!, "tool", "pprof", "-symbolize=none", "-top", "-nodecount=15", file);
            Assert.True(ourRc == 0, ourErr);
            Assert.True(goRc == 0, goErr);
            _output.WriteLine(ours);
            Assert.Contains("OnCpuWorkloads.SpinPhase", theirs, StringComparison.Ordinal);
            Assert.Equal(theirs, ours);
        }
        finally
        {
            target.Kill();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ForcedFallbackIsEstimatedAndSaysSo()
    {
        using var target = FaultTests.StartTarget("300 spinsleep");
        string file = Path.Combine(Path.GetTempPath(), $"estimated-{Guid.NewGuid():N}.pb.gz");
        try
        {
            var env = new Dictionary<string, string> { [CpuCollector.ModeVariable] = "estimated" };
            var (rc, _, stderr) = await Run("dotnet", env, Cli, "collect", "cpu", "-p", target.Id.ToString(CultureInfo.InvariantCulture), "-d", "2s", "-o", file);
            Assert.True(rc == 0, stderr);
            // One line on stderr says why, the comments say the mode.
            var why = stderr.Split('\n').Where(l => l.Contains("on-CPU sampling unavailable", StringComparison.Ordinal)).ToList();
            Assert.True(why.Count == 1, stderr);
            Assert.Contains("DOTNET_PPROF_CPU_MODE=estimated", why[0], StringComparison.Ordinal);
            var p = Profile.Parse(File.ReadAllBytes(file));
            Assert.Contains(CpuCollector.EstimatedMode, p.Comments);
            Assert.DoesNotContain(CpuCollector.OnCpuMode, p.Comments);
            Assert.Contains(p.Comments, c => c.StartsWith("on-CPU sampling unavailable", StringComparison.Ordinal));
        }
        finally
        {
            target.Kill();
            File.Delete(file);
        }
    }

    [Fact]
    public void InProcessCpuProfileIsOnCpu()
    {
        var output = new MemoryStream();
        Profiler.StartCpuProfile(output);
        try
        {
            Workloads.SpinHot(TimeSpan.FromSeconds(1));
        }
        finally
        {
            Profiler.StopCpuProfile();
        }
        var p = Profile.Parse(output.ToArray());
        Assert.Contains(CpuCollector.OnCpuMode, p.Comments);
        Assert.Contains(p.Samples, s => HasFrame(s, "Pprof.Runtime.TestTarget.Workloads.HotMethod"));
    }

    private static string Cli => Path.Combine(AppContext.BaseDirectory, "dotnet-pprof.dll");

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static Task<(int, string, string)> Run(string file, params string[] args) => Run(file, null, args);

    private static async Task<(int, string, string)> Run(string file, Dictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (env != null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Reads the target's utime+stime from /proc/PID/stat when the session starts (after the cpu collector,
    /// before it, has started sampling) and when it is asked to stop (after the cpu collector has stopped): the
    /// kernel's account of the profile's window.</summary>
    private sealed class StatWindow : EventCollector
    {
        // USER_HZ: the unit of utime and stime, 100 on every Linux ABI .NET runs on.
        private const long NsPerTick = 10_000_000;
        private int _pid;
        private long _start = -1;

        public long CpuNs { get; private set; } = -1;

        public override ProfileKind Kind => ProfileKind.Cpu;
        public override long RuntimeKeywords => 0;

        public override void BeforeSession(int processId)
        {
            _pid = processId;
            _start = Read();
        }

        public override void SessionEnding()
        {
            if (CpuNs < 0 && _start >= 0) CpuNs = Read() - _start;
        }

        private long Read()
        {
            var f = ProcStat.Fields($"/proc/{_pid}/stat")!;
            return (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) * NsPerTick;
        }

        public override void Attach(TraceLogEventSource source, StackResolver resolver, SessionContext context)
        {
        }

        public override Profile Snapshot(DateTime start, TimeSpan duration, IEnumerable<string> comments) => new();

        public override void Reset()
        {
        }
    }
}
