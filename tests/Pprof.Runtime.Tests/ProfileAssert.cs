using System.Diagnostics;
using System.Reflection.Emit;
using Microsoft.Diagnostics.Tracing.Etlx;
using Pprof.Runtime.Collectors;
using Pprof.Runtime.Internal;
using Pprof.Profiles;

namespace Pprof.Runtime.Tests;

/// <summary>Helpers shared by the truth tests: collect while a workload runs, read profiles back, sum values.</summary>
internal static class ProfileAssert
{
    /// <summary>Collects <paramref name="kind"/> from this process while <paramref name="workload"/> runs on its own
    /// thread (started once the session is up), then stops once the session has processed every event of the workload.
    /// Events reach the collector late (the live trace log sorts them by time, and a busy 2-core CI machine adds more
    /// lag), so after the workload a marker method is jitted, again every 250 ms, until the session has seen one (at most
    /// 60 s): its load event comes after all of the workload's events. The profile is written, read back by our parser
    /// (which validates it) and, when Go is installed, checked with go tool pprof -top.</summary>
    public static async Task<(Profile Profile, T Result)> CollectDuring<T>(string kind, Func<T> workload, string? threadName = null)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(_ => started.TrySetResult());
        var entry = ProfileKinds.Find(kind) ?? throw new ArgumentException($"unknown kind {kind}", nameof(kind));
        var probe = new MarkerProbe();
        var collect = SessionCollection.CollectAsync(Environment.ProcessId, new[] { entry.CreateCollector!(), probe }, TimeSpan.FromSeconds(120), progress, cts.Token);
        await Task.WhenAny(started.Task, collect);
        if (collect.IsCompleted) await collect; // surfaces the error
        T result = default!;
        var thread = new Thread(() => result = workload()) { Name = threadName ?? "workload" };
        thread.Start();
        await Task.Run(() => thread.Join());
        var deadline = Stopwatch.StartNew();
        for (int n = 0; !probe.Seen.Task.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(60); n++)
        {
            probe.Emit(n);
            await Task.WhenAny(probe.Seen.Task, Task.Delay(250));
        }
        Assert.True(probe.Seen.Task.IsCompleted, "the session did not process a marker event within 60 s of the workload's end");
        cts.Cancel();
        var profiles = await collect;
        return (RoundTrip(profiles[0]), result);
    }

    public static Profile RoundTrip(Profile p)
    {
        var ms = new MemoryStream();
        p.Write(ms);
        var bytes = ms.ToArray();
        var back = Profile.Parse(bytes);
        Assert.Equal(p.Samples.Count, back.Samples.Count);
        GoTop(bytes);
        return back;
    }

    private static readonly Lazy<string?> s_go = new(() =>
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            string path = Path.Combine(dir, "go");
            if (File.Exists(path)) return path;
        }
        return null;
    });

    /// <summary>Runs go tool pprof -top on the profile when Go is installed and asserts it succeeds.</summary>
    public static void GoTop(byte[] profile)
    {
        if (s_go.Value == null) return;
        string file = Path.Combine(Path.GetTempPath(), $"pprof-runtime-test-{Guid.NewGuid():N}.pb.gz");
        File.WriteAllBytes(file, profile);
        try
        {
            var psi = new ProcessStartInfo(s_go.Value, new[] { "tool", "pprof", "-symbolize=none", "-top", file })
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(60_000), "go tool pprof did not finish");
            Assert.True(p.ExitCode == 0, "go tool pprof -top failed: " + stderr.Result);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static bool HasFrame(Sample s, string functionSuffix)
        => s.Locations.Any(l => l.Lines.Any(ln => ln.Function != null && ln.Function.Name.EndsWith(functionSuffix, StringComparison.Ordinal)));

    public static long Sum(Profile p, string type, Func<Sample, bool> where)
    {
        int i = p.SampleTypes.FindIndex(t => t.Type == type);
        Assert.True(i >= 0, $"profile has no sample type {type}");
        return p.Samples.Where(where).Sum(s => s.Values[i]);
    }

    public static string? Label(Sample s, string key) => s.Labels != null && s.Labels.TryGetValue(key, out var v) ? v[0] : null;

    /// <summary>Sees the marker methods jitted by <see cref="Emit"/> in a session's method-load events (the session
    /// always enables them to name frames).</summary>
    private sealed class MarkerProbe : EventCollector
    {
        private readonly string _prefix = "pprof_test_marker_" + Guid.NewGuid().ToString("N");

        public TaskCompletionSource Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ProfileKind Kind => ProfileKind.Cpu;

        public override long RuntimeKeywords => RuntimeKeyword.MethodNames;

        public override void Attach(TraceLogEventSource source, StackResolver resolver, SessionContext context)
        {
            source.Clr.MethodLoadVerbose += e =>
            {
                if (e.MethodName.StartsWith(_prefix, StringComparison.Ordinal)) Seen.TrySetResult();
            };
        }

        /// <summary>Jits and runs a new method named after this probe.</summary>
        public void Emit(int n)
        {
            var method = new DynamicMethod(_prefix + "_" + n, typeof(int), Type.EmptyTypes);
            var il = method.GetILGenerator();
            il.Emit(OpCodes.Ldc_I4, n);
            il.Emit(OpCodes.Ret);
            Assert.Equal(n, method.CreateDelegate<Func<int>>()());
        }

        public override Profile Snapshot(DateTime start, TimeSpan duration, IEnumerable<string> comments) => new();

        public override void Reset()
        {
        }
    }

    /// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the pool).</summary>
    private sealed class SyncProgress : IProgress<CollectionProgress>
    {
        private readonly Action<CollectionProgress> _report;

        public SyncProgress(Action<CollectionProgress> report) => _report = report;

        public void Report(CollectionProgress value) => _report(value);
    }
}
