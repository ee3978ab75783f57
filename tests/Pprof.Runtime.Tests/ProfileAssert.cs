using System.Diagnostics;
using Pprof.Profiles;

namespace Pprof.Runtime.Tests;

/// <summary>Helpers shared by the truth tests: collect while a workload runs, read profiles back, sum values.</summary>
internal static class ProfileAssert
{
    /// <summary>Collects <paramref name="kind"/> from this process while <paramref name="workload"/> runs on its own
    /// thread (started once the session is up), then stops shortly after it ends. The profile is written, read back by
    /// our parser (which validates it) and, when Go is installed, checked with go tool pprof -top.</summary>
    public static async Task<(Profile Profile, T Result)> CollectDuring<T>(string kind, Func<T> workload, string? threadName = null)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(_ => started.TrySetResult());
        var collect = RuntimeProfiles.CollectAsync(Environment.ProcessId, kind, TimeSpan.FromSeconds(60), progress, cts.Token);
        await Task.WhenAny(started.Task, collect);
        if (collect.IsCompleted) await collect; // surfaces the error
        T result = default!;
        var thread = new Thread(() => result = workload()) { Name = threadName ?? "workload" };
        thread.Start();
        await Task.Run(() => thread.Join());
        // Events reach the collector late (the live trace log sorts them by time, and a busy 2-core CI machine adds
        // more lag): give the tail of the workload time to arrive before stopping.
        await Task.Delay(2000);
        cts.Cancel();
        var profile = await collect;
        return (RoundTrip(profile), result);
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

    /// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the pool).</summary>
    private sealed class SyncProgress : IProgress<CollectionProgress>
    {
        private readonly Action<CollectionProgress> _report;

        public SyncProgress(Action<CollectionProgress> report) => _report = report;

        public void Report(CollectionProgress value) => _report(value);
    }
}
