using System.Diagnostics;
using Pprof.Runtime.Goroutine;
using Pprof.Runtime.TestTarget;

namespace Pprof.Runtime.Tests;

/// <summary>Goroutine snapshots of another process, taken by stopping it with ptrace only while its memory is copied:
/// the pending async operations are counted exactly in their async methods with their awaiting callers, threads keep
/// their stacks and names, the profile states the pause, and the process runs on afterwards.</summary>
[Collection("runtime")]
public sealed class GoroutineOutOfProcessTests
{
    [Fact]
    public void PendingOperationsAndThreadsOfAnotherProcessAreExactAndTheProcessRunsOn()
    {
        string target = typeof(Workloads).Assembly.Location;
        // Through sh, so that the target is not this process's child (a child is snapshotted through a dump instead:
        // the runtime's reaping of children would take its ptrace stop for its exit).
        var psi = new ProcessStartInfo("/bin/sh", new[] { "-c", "dotnet \"$@\"; true", "sh", target, "120", "pending", "idle" }) { RedirectStandardOutput = true };
        using var shell = Process.Start(psi)!;
        string? line = shell.StandardOutput.ReadLine();
        Assert.StartsWith("ready ", line);
        using var proc = Process.GetProcessById(int.Parse(line![6..], System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            while ((line = shell.StandardOutput.ReadLine()) != null && !line.StartsWith("pending ", StringComparison.Ordinal)) { }
            Assert.Equal($"pending {PendingWorkloads.Count}", line);

            // Several snapshots in a row: each one exact (the test target is its child, so the runtime's own reaping
            // of children competes for the ptrace stop notifications: the snapshot must not depend on winning).
            for (int round = 0; round < 3; round++)
            {
                var p = ProfileAssert.RoundTrip(GoroutineProfiler.Collect(proc.Id));
                const string inner = "Pprof.Runtime.TestTarget.PendingWorkloads.AwaitForever", outer = "Pprof.Runtime.TestTarget.PendingWorkloads.Outer";
                long pending = ProfileAssert.Sum(p, "goroutine", s => s.Locations[0].Lines[0].Function?.Name == inner);
                Assert.True(pending == PendingWorkloads.Count, $"round {round}: {pending} pending in {inner}; samples:\n" + string.Join("\n", p.Samples.OrderByDescending(s => s.Values[0]).Take(10)
                    .Select(s => s.Values[0] + " " + string.Join(",", s.Labels!.Select(kv => kv.Key + "=" + kv.Value[0])) + ": " + string.Join(" <- ", s.Locations.Select(l => l.Lines[0].Function?.Name)))));
                Assert.All(p.Samples.Where(s => s.Locations[0].Lines[0].Function?.Name == inner), s =>
                {
                    Assert.Equal("async", ProfileAssert.Label(s, "kind"));
                    Assert.Equal(outer, s.Locations[1].Lines[0].Function?.Name);
                });

                var idle = p.Samples.Single(s => ProfileAssert.Label(s, "thread") == "wl-idle");
                Assert.Equal("sleep", ProfileAssert.Label(idle, "wait"));
                Assert.True(ProfileAssert.HasFrame(idle, "System.Threading.Thread.Sleep"));

                Assert.Contains(p.Comments, c => c.StartsWith("target suspended ", StringComparison.Ordinal) && c.Contains(" ms (ptrace: threads stopped in ", StringComparison.Ordinal));
                Assert.DoesNotContain(p.Comments, c => c.StartsWith("the process was frozen while the runtime wrote a dump", StringComparison.Ordinal));
            }

            // Every thread was detached: none stays in a tracing stop, and the process still answers.
            Assert.False(proc.HasExited);
            foreach (string task in Directory.GetDirectories($"/proc/{proc.Id}/task"))
            {
                var stat = Internal.ProcStat.Fields(Path.Combine(task, "stat"));
                if (stat == null) continue; // exited meanwhile
                Assert.True(stat[0] is not ("t" or "T"), $"thread {Path.GetFileName(task)} of the target is still stopped ({stat[0]})");
                Assert.Equal("0", File.ReadLines(Path.Combine(task, "status")).First(l => l.StartsWith("TracerPid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1].Trim());
            }
        }
        finally
        {
            proc.Kill();
            shell.WaitForExit(10_000);
        }
    }

    [Fact]
    public void AChildOfThisProcessIsSnapshottedThroughADumpAndSaysSo()
    {
        string target = typeof(Workloads).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet", new[] { target, "120", "pending", "idle" }) { RedirectStandardOutput = true };
        using var proc = Process.Start(psi)!;
        try
        {
            string? line;
            while ((line = proc.StandardOutput.ReadLine()) != null && !line.StartsWith("pending ", StringComparison.Ordinal)) { }
            Assert.Equal($"pending {PendingWorkloads.Count}", line);

            var p = ProfileAssert.RoundTrip(GoroutineProfiler.Collect(proc.Id));
            long pending = ProfileAssert.Sum(p, "goroutine", s => s.Locations[0].Lines[0].Function?.Name == "Pprof.Runtime.TestTarget.PendingWorkloads.AwaitForever");
            Assert.Equal(PendingWorkloads.Count, pending);
            Assert.Contains(p.Comments, c => c.StartsWith("the process was frozen while the runtime wrote a dump with its heap (", StringComparison.Ordinal));
            Assert.Contains(p.Comments, c => c.StartsWith("not stopped with ptrace: the target is a child of this process", StringComparison.Ordinal));
            // The child was not stopped by this process, so its own runtime's bookkeeping of the child is intact.
            Assert.False(proc.HasExited);
        }
        finally
        {
            proc.Kill();
            proc.WaitForExit(10_000);
        }
    }
}
