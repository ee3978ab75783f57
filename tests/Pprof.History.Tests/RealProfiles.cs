using Pprof.Profiles;
using Pprof.Runtime;

namespace Pprof.History.Tests;

/// <summary>Real profiles collected once in this process by Pprof.Runtime's collectors: CPU while AlphaHot spins (its
/// samples labelled endpoint=/alpha), CPU while BetaHot spins, and allocations.</summary>
public sealed class RealProfiles
{
    public const string Alpha = "Pprof.History.Tests.HistoryWorkloads.AlphaHot";
    public const string Beta = "Pprof.History.Tests.HistoryWorkloads.BetaHot";

    public RealProfiles()
    {
        AlphaCpu = CollectWhile(ProfileKind.Cpu, ct =>
        {
            using (Profiler.Labels("endpoint", "/alpha")) HistoryWorkloads.Spin(HistoryWorkloads.AlphaHot, ct);
        });
        BetaCpu = CollectWhile(ProfileKind.Cpu, ct => HistoryWorkloads.Spin(HistoryWorkloads.BetaHot, ct));
        Allocs = CollectWhile(ProfileKind.Allocs, HistoryWorkloads.Allocate);
        Assert.True(TestProfiles.Flat(AlphaCpu, Alpha) > 0, "the alpha CPU profile has no sample in AlphaHot");
        Assert.True(TestProfiles.Flat(BetaCpu, Beta) > 0, "the beta CPU profile has no sample in BetaHot");
        Assert.Contains(AlphaCpu.Samples, s => s.HasLabel("endpoint", "/alpha"));
        string file = Path.Combine(Path.GetTempPath(), $"pprof-history-alpha-{Environment.ProcessId}.pb.gz");
        using (var f = File.Create(file)) AlphaCpu.Write(f);
        AlphaFile = file;
    }

    public Profile AlphaCpu { get; }

    public Profile BetaCpu { get; }

    public Profile Allocs { get; }

    /// <summary><see cref="AlphaCpu"/> written to a file (for the writer processes).</summary>
    public string AlphaFile { get; }

    private static Profile CollectWhile(ProfileKind kind, Action<CancellationToken> workload)
    {
        using var cts = new CancellationTokenSource();
        var thread = new Thread(() => workload(cts.Token)) { IsBackground = true, Name = "history-workload" };
        thread.Start();
        try
        {
            var p = Profiler.CollectAsync(kind, TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
            // Round trip through the wire format, as the agent's profiles arrive.
            var ms = new MemoryStream();
            p.Write(ms);
            ms.Position = 0;
            return Profile.Parse(ms);
        }
        finally
        {
            cts.Cancel();
            thread.Join();
        }
    }
}
