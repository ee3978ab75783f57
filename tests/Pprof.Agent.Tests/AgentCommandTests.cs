using System.Diagnostics;
using System.Globalization;
using Pprof.History;

namespace Pprof.Agent.Tests;

/// <summary>dotnet-pprof agent as a real process on a real workload with a known hot method.</summary>
public sealed class AgentCommandTests
{
    [Fact]
    public void AgentOnAHotMethodFillsTheStore()
    {
        string dir = ContinuousProfilerTests.TempDir();
        string targetDll = Path.Combine(AppContext.BaseDirectory, "Pprof.Runtime.TestTarget.dll");
        var target = Process.Start(new ProcessStartInfo("dotnet", $"\"{targetDll}\" 120 cpu") { RedirectStandardOutput = true, UseShellExecute = false })!;
        try
        {
            Assert.StartsWith("ready", target.StandardOutput.ReadLine());
            var begin = DateTime.UtcNow;
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "dotnet-pprof.dll"), "agent", "-p", target.Id.ToString(CultureInfo.InvariantCulture), "-interval", "2s", "-d", "30s", "-store", dir, "-labels", "env=ci" })
                psi.ArgumentList.Add(a);
            using var agent = Process.Start(psi)!;
            string err = agent.StandardError.ReadToEnd();
            Assert.True(agent.WaitForExit(180_000), "the agent did not stop");
            Assert.True(agent.ExitCode == 0, err);
            var end = DateTime.UtcNow;
            using var store = ProfileStore.Open(dir);
            var series = store.ListSeries().Where(s => s.Labels.TryGetValue("env", out var v) && v.Contains("ci")).ToList();
            foreach (string type in new[] { "cpu", "allocs", "mutex", "block", "exceptions" })
                Assert.InRange(Assert.Single(series, s => s.Type == type).Profiles, 14, 16);
            var cpu = store.Query(new HistoryQuery { Type = "cpu", From = begin.AddMinutes(-1), To = end.AddMinutes(1) })!;
            int value = cpu.SampleTypes.FindIndex(t => t.Type == "cpu");
            var top = cpu.Samples.GroupBy(s => s.Locations[0].Lines[0].Function!.Name).OrderByDescending(g => g.Sum(s => s.Values[value])).First().Key;
            Assert.Contains("Workloads.HotMethod", top);
        }
        finally
        {
            target.Kill();
            target.WaitForExit();
        }
    }
}
