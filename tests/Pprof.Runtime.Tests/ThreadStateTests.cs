using System.Runtime.InteropServices;
using Pprof.Profiles;
using Pprof.Runtime.Collectors;
using Pprof.Runtime.Internal;
using Pprof.Runtime.TestTarget;
using static Pprof.Runtime.Tests.ProfileAssert;

namespace Pprof.Runtime.Tests;

/// <summary>The <c>thread_state</c> label of wall samples, against threads that stay in known states
/// (<see cref="StateWorkloads"/>): out of process through the CLI (collect, then -tagfocus), and in process.</summary>
[Collection("runtime")]
public sealed class ThreadStateTests
{
    private static string Cli => Path.Combine(AppContext.BaseDirectory, "dotnet-pprof.dll");

    [Fact]
    public void AnotherProcessThroughTheCliAndTagfocus()
    {
        using var target = FaultTests.StartTarget("120 states");
        string dir = Path.Combine(Path.GetTempPath(), "pprof-states-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            // The workload's threads settle in their states within a few milliseconds of "ready".
            Thread.Sleep(1000);
            string file = Path.Combine(dir, "wall.pb.gz");
            var (code, _, stderr) = RunCli("collect", "wall", "-p", target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-d", "4s", "-o", file);
            Assert.True(code == 0, "collect wall failed: " + stderr);
            var p = Profile.Parse(File.ReadAllBytes(file));
            AssertStates(p, StateWorkloads.Threads.Keys);
            Assert.Contains(p.Comments, c => c.StartsWith("thread_state:", StringComparison.Ordinal));

            // -tagfocus separates the threads waiting on the network from the one burning CPU.
            var (ioCode, io, ioErr) = RunCli("-tagfocus=thread_state=io", "-traces", file);
            Assert.True(ioCode == 0, ioErr);
            Assert.Contains("StateWorkloads.ReadSocket", io);
            Assert.DoesNotContain("StateWorkloads.Spin", io);
            Assert.DoesNotContain("Thread.Sleep", io);
            if (OperatingSystem.IsLinux()) Assert.Contains("StateWorkloads.RawReceive", io);
            var (runCode, running, runErr) = RunCli("-tagfocus=thread_state=running|runnable", "-traces", file);
            Assert.True(runCode == 0, runErr);
            Assert.Contains("StateWorkloads.Spin", running);
            Assert.DoesNotContain("StateWorkloads.ReadSocket", running);
        }
        finally
        {
            target.Kill();
            target.WaitForExit();
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task ThisProcess()
    {
        var (p, _) = await CollectDuring("wall", () =>
        {
            foreach (var t in StateWorkloads.Run(TimeSpan.FromSeconds(3))) t.Join();
            return 0;
        });
        AssertStates(p, StateWorkloads.Threads.Keys);
    }

    /// <summary>Each named thread's samples carry its state: at least 80 % of them (the spinning thread: running or
    /// runnable, as a loaded machine keeps it waiting for a CPU part of the time). Where /proc exists, most samples
    /// were matched with a kernel reading.</summary>
    private static void AssertStates(Profile p, IEnumerable<string> threads)
    {
        var report = new System.Text.StringBuilder();
        foreach (var g in p.Samples.Where(s => Label(s, "thread_name") is string n && n.StartsWith("st-", StringComparison.Ordinal)).GroupBy(s => Label(s, "thread_name")!))
        {
            report.Append(g.Key).Append(':');
            foreach (var st in g.GroupBy(s => Label(s, "thread_state") ?? "(none)")) report.Append(' ').Append(st.Key).Append('=').Append(st.Sum(s => s.Values[0]));
            report.Append('\n');
        }
        report.AppendJoin('\n', p.Comments.Where(c => c.StartsWith("thread_state:", StringComparison.Ordinal)));
        Assert.All(p.Samples, s => Assert.Contains(Label(s, "thread_state") ?? "(none)", ThreadStateRule.Names));
        foreach (var thread in threads)
        {
            if (!OperatingSystem.IsLinux() && thread.StartsWith("st-raw", StringComparison.Ordinal)) continue;
            string expected = StateWorkloads.Threads[thread];
            var mine = p.Samples.Where(s => Label(s, "thread_name") == thread).ToList();
            long all = mine.Sum(s => s.Values[0]);
            Assert.True(all >= 20, $"only {all} samples of {thread}:\n{report}");
            long right = mine.Where(s => Label(s, "thread_state") is string st && (st == expected || (expected == "running" && st == "runnable"))).Sum(s => s.Values[0]);
            Assert.True(right >= 0.8 * all, $"{thread}: {right} of {all} samples {expected}:\n{report}");
        }
        if (OperatingSystem.IsLinux())
        {
            string comment = p.Comments.Single(c => c.StartsWith("thread_state:", StringComparison.Ordinal));
            var m = System.Text.RegularExpressions.Regex.Match(comment, @"for (\d+) of (\d+) samples");
            Assert.True(m.Success, comment);
            Assert.True(long.Parse(m.Groups[1].Value) >= 0.5 * long.Parse(m.Groups[2].Value), comment);
        }
    }

    private static (int Code, string Stdout, string Stderr) RunCli(params string[] args)
    {
        Assert.True(File.Exists(Cli), "the CLI is not beside the tests: " + Cli);
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Cli);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var proc = System.Diagnostics.Process.Start(psi)!;
        var stderr = proc.StandardError.ReadToEndAsync();
        string stdout = proc.StandardOutput.ReadToEnd();
        Assert.True(proc.WaitForExit(120_000), "dotnet-pprof did not finish: " + string.Join(" ", args));
        return (proc.ExitCode, stdout, stderr.Result);
    }

    [Theory]
    [InlineData("System.Threading.Monitor.Enter", "lock")]
    [InlineData("System.Threading.Lock.TryEnterSlow", "lock")]
    [InlineData("System.Threading.Thread.Sleep", "sleeping")]
    [InlineData("System.Threading.WaitHandle.WaitOneNoCheck", "wait")]
    [InlineData("System.Threading.Tasks.Task<int>.GetResultCore", "wait")]
    [InlineData("System.Runtime.CompilerServices.TaskAwaiter<System.String>.GetResult", "wait")]
    [InlineData("System.Net.Sockets.Socket.Receive", "io")]
    [InlineData("System.Net.Sockets.SocketAsyncEngine.EventLoop", "io")]
    [InlineData("Interop.Sys.ReceiveMessage", "io")]
    [InlineData("Interop.Sys.GetTimestamp", null)]
    [InlineData("System.Collections.Generic.Dictionary<System.String,System.Threading.Monitor>.TryGetValue", null)]
    [InlineData("MyApp.Monitor.Enter", null)]
    public void FramesNameTheirState(string frame, string? state)
    {
        var s = ThreadStateRule.Classify(frame);
        Assert.Equal(state, s == null ? null : ThreadStateRule.Name(s.Value));
    }

    [Fact]
    public void TheOutermostBlockingFrameNextToTheLeafDecides()
    {
        Frame[] Stack(params string[] names) => names.Select(Frame.Synthetic).ToArray();
        // Lock.Enter waits in WaitOne: the lock is what the application waits for.
        Assert.Equal(WallThreadState.Lock, ThreadStateRule.FromFrames(Stack("System.Threading.WaitHandle.WaitOneNoCheck", "System.Threading.Lock.TryEnterSlow", "System.Threading.Lock.EnterScope", "App.Work", "System.Threading.Tasks.Task.Wait")));
        // Socket.Receive on a non-blocking socket waits on an event: io.
        Assert.Equal(WallThreadState.Io, ThreadStateRule.FromFrames(Stack("System.Threading.ManualResetEventSlim.Wait", "System.Net.Sockets.SocketAsyncContext.ReceiveFrom", "System.Net.Sockets.Socket.Receive", "App.Read")));
        // A Task.Wait that runs application code inline is not the state: application frames end the search.
        Assert.Null(ThreadStateRule.FromFrames(Stack("App.Compute", "System.Threading.Tasks.Task.ExecuteEntry", "System.Threading.Tasks.Task.Wait")));
    }

    [Fact]
    public void TheRuleTakesTheFirstSourceThatKnows()
    {
        var none = (WallThreadState?)null;
        Assert.Equal(WallThreadState.Lock, ThreadStateRule.Combine(true, true, none, true, KernelThreadState.Running, false));
        Assert.Equal(WallThreadState.Running, ThreadStateRule.Combine(false, true, WallThreadState.Wait, true, KernelThreadState.Waiting, false));
        Assert.Equal(WallThreadState.Runnable, ThreadStateRule.Combine(false, true, none, false, KernelThreadState.Waiting, true));
        Assert.Equal(WallThreadState.Io, ThreadStateRule.Combine(false, false, WallThreadState.Io, true, KernelThreadState.Waiting, false));
        Assert.Equal(WallThreadState.Wait, ThreadStateRule.Combine(false, false, none, true, KernelThreadState.Io, false));
        Assert.Equal(WallThreadState.Io, ThreadStateRule.Combine(false, false, none, false, KernelThreadState.Io, false));
        Assert.Equal(WallThreadState.Sleeping, ThreadStateRule.Combine(false, false, none, false, KernelThreadState.Sleeping, false));
        Assert.Equal(WallThreadState.Runnable, ThreadStateRule.Combine(false, false, none, false, KernelThreadState.Running, true));
        Assert.Equal(WallThreadState.Wait, ThreadStateRule.Combine(false, false, none, false, KernelThreadState.Unknown, false));
    }

    [Fact]
    public void KernelFilesAreParsed()
    {
        Assert.Equal(KernelThreadState.Running, ThreadStateReader.ParseSyscallFile("running\n"u8));
        Assert.Equal(KernelThreadState.Waiting, ThreadStateReader.ParseSyscallFile("-1 0x7ffd 0x0\n"u8));
        Assert.Equal(KernelThreadState.Io, ThreadStateReader.ClassifySyscall(47, Architecture.X64)); // recvmsg
        Assert.Equal(KernelThreadState.Io, ThreadStateReader.ClassifySyscall(232, Architecture.X64)); // epoll_wait
        Assert.Equal(KernelThreadState.Sleeping, ThreadStateReader.ClassifySyscall(230, Architecture.X64)); // clock_nanosleep
        Assert.Equal(KernelThreadState.Waiting, ThreadStateReader.ClassifySyscall(202, Architecture.X64)); // futex
        Assert.Equal(KernelThreadState.Io, ThreadStateReader.ClassifySyscall(212, Architecture.Arm64)); // recvmsg
        Assert.Equal(KernelThreadState.Sleeping, ThreadStateReader.ClassifySyscall(115, Architecture.Arm64)); // clock_nanosleep
        Assert.Equal(KernelThreadState.Waiting, ThreadStateReader.ClassifySyscall(98, Architecture.Arm64)); // futex
        Assert.True(ThreadStateReader.ParseSchedstat("6817760 222047698 28\n"u8, out long exec, out long delay));
        Assert.Equal((6817760L, 222047698L), (exec, delay));
        Assert.False(ThreadStateReader.ParseSchedstat("garbage"u8, out _, out _));
        Assert.Equal('S', ThreadStateReader.StateLetter("21640 (a (b) c) S 1 2 3"u8));
        Assert.Equal(KernelThreadState.Sleeping, ThreadStateReader.ClassifyWchan("hrtimer_nanosleep", 'S'));
        Assert.Equal(KernelThreadState.Io, ThreadStateReader.ClassifyWchan("sk_wait_data", 'S'));
        Assert.Equal(KernelThreadState.Waiting, ThreadStateReader.ClassifyWchan("futex_wait_queue", 'S'));
        Assert.Equal(KernelThreadState.Io, ThreadStateReader.ClassifyWchan("0", 'D'));
    }
}
