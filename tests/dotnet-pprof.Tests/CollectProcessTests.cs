using System.Diagnostics;
using System.Globalization;
using Pprof.Profiles;

namespace Pprof.Cli.Tests;

/// <summary>The .NET verbs run as real processes against real .NET processes: launch mode, -n NAME, ps, progress on a
/// terminal.</summary>
public sealed class CollectProcessTests
{
    private static string TargetDll => Path.Combine(AppContext.BaseDirectory, "Pprof.Runtime.TestTarget.dll");

    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts the workload process (optionally under another file name, which -n matches) and waits for its
    /// "ready" line.</summary>
    internal static Process StartTarget(string args, string? dll = null)
    {
        var psi = new ProcessStartInfo(CliRunner.DotnetHost, $"\"{dll ?? TargetDll}\" {args}") { RedirectStandardOutput = true, UseShellExecute = false };
        var p = Process.Start(psi)!;
        Assert.StartsWith("ready", p.StandardOutput.ReadLine());
        return p;
    }

    /// <summary>A name for the workload no other process on the machine has: the workload's dll linked under a unique
    /// name beside the original (so its dependencies resolve).</summary>
    private sealed class UniqueTarget : IDisposable
    {
        public UniqueTarget()
        {
            Name = "pprof-name-" + Guid.NewGuid().ToString("N")[..12];
            File.CreateSymbolicLink(Dll, TargetDll);
            File.CreateSymbolicLink(Path.ChangeExtension(Dll, ".runtimeconfig.json"), Path.ChangeExtension(TargetDll, ".runtimeconfig.json"));
        }

        public string Name { get; }

        public string Dll => Path.Combine(AppContext.BaseDirectory, Name + ".dll");

        public void Dispose()
        {
            File.Delete(Dll);
            File.Delete(Path.ChangeExtension(Dll, ".runtimeconfig.json"));
        }
    }

    private static void Stop(Process p)
    {
        try
        {
            p.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        p.WaitForExit();
        p.Dispose();
    }

    private static string TempFile(string name) => Path.Combine(Path.GetTempPath(), $"collect-{name}-{Guid.NewGuid():N}.pb.gz");

    [Fact]
    public void LaunchModeProfilesTheCommandFromItsStartAndPassesOnItsExitStatus()
    {
        string file = TempFile("launch");
        try
        {
            // The target burns CPU in StartupSpin for its first 300 ms only, then in HotMethod for 1.5 s, then exits with 3.
            var r = CliRunner.Run(new[] { "collect", "cpu", "-o", file, "--", CliRunner.DotnetHost, TargetDll, "1.5", "cpu", "startspin", "exit=3" });
            Assert.True(r.ExitCode == 3, $"exit {r.ExitCode}: {r.Stderr}");
            Assert.StartsWith("ready ", r.StdoutText); // the command's output is its own
            Assert.Contains("wrote cpu profile to " + file + ": samples ", r.Stderr);
            var p = Profile.Parse(File.ReadAllBytes(file));
            Assert.Contains(p.Comments, c => c.EndsWith("from its start", StringComparison.Ordinal));
            var functions = p.Samples.SelectMany(s => s.Locations).SelectMany(l => l.Lines).Select(l => l.Function?.Name ?? "").ToHashSet();
            Assert.Contains(functions, f => f.EndsWith("Workloads.StartupSpin", StringComparison.Ordinal));
            Assert.Contains(functions, f => f.EndsWith("Workloads.HotMethod", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ProcessesStartedByTheLaunchedCommandRunNormally()
    {
        // The child inherits the parent's environment: were DOTNET_DiagnosticPorts not cleared, it would wait forever
        // for a port nobody serves (and the run would time out).
        string file = TempFile("launch-child");
        try
        {
            var r = CliRunner.Run(new[] { "collect", "cpu", "-o", file, "--", CliRunner.DotnetHost, TargetDll, "0.2", "idle", "spawnchild" });
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains("child exited 7", r.StdoutText);
            Assert.True(File.Exists(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void LaunchModeTakesASnapshotAfterTheDuration()
    {
        string file = TempFile("launch-goroutine"), late = TempFile("launch-late");
        try
        {
            var r = CliRunner.Run(new[] { "collect", "goroutine", "-d", "1s", "-o", file, "--", CliRunner.DotnetHost, TargetDll, "4", "idle" });
            Assert.True(r.ExitCode == 0, r.Stderr);
            var p = Profile.Parse(File.ReadAllBytes(file));
            Assert.Equal("goroutine/count", p.SampleTypes[0].ToString());
            Assert.Contains(p.Samples.SelectMany(s => s.Locations).SelectMany(l => l.Lines), l => l.Function?.Name.Contains("Program", StringComparison.Ordinal) == true);

            // A snapshot due after the command has exited: nothing is written, the file is not left behind, and the exit
            // status is the command's when it failed.
            r = CliRunner.Run(new[] { "collect", "goroutine", "-d", "1m", "-o", late, "--", CliRunner.DotnetHost, TargetDll, "0.2", "idle", "exit=5" });
            Assert.Equal(5, r.ExitCode);
            Assert.Contains("nothing was collected", r.Stderr);
            Assert.False(File.Exists(late));
        }
        finally
        {
            File.Delete(file);
            File.Delete(late);
        }
    }

    [Fact]
    public async Task DiagnosticPortProfilesAProcessThatConnects()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pprof-port-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string port = Path.Combine(dir, "my.sock"), file = Path.Combine(dir, "cpu.pb.gz");
        Process? target = null;
        try
        {
            CliRunner.Result? result = null;
            var cli = Task.Run(() => result = CliRunner.Run(new[] { "collect", "cpu", "--diagnostic-port", port, "-o", file }));
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (!File.Exists(port) && !cli.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.True(File.Exists(port), "dotnet-pprof did not listen on " + port);
            // The user's side: DOTNET_DiagnosticPorts=PATH (the runtime's defaults: connect, suspend).
            var psi = new ProcessStartInfo(CliRunner.DotnetHost, $"\"{TargetDll}\" 1 cpu startspin") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.Environment["DOTNET_DiagnosticPorts"] = port;
            target = Process.Start(psi)!;
            await cli.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(result!.ExitCode == 0, result.Stderr);
            var p = Profile.Parse(File.ReadAllBytes(file));
            Assert.Contains($"of pid {target.Id} ", p.Comments[0]);
            Assert.Contains(p.Samples.SelectMany(s => s.Locations).SelectMany(l => l.Lines), l => l.Function?.Name.EndsWith("Workloads.StartupSpin", StringComparison.Ordinal) == true);
        }
        finally
        {
            if (target != null) Stop(target);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void LaunchingACommandThatIsNotDotnetSaysSo()
    {
        string file = TempFile("launch-sh");
        var r = CliRunner.Run(new[] { "collect", "cpu", "-o", file, "--", "sh", "-c", "exit 4" });
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("sh exited (status 4) before a .NET runtime started: nothing to profile", r.Stderr);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void NameFindsTheProcess()
    {
        using var unique = new UniqueTarget();
        var target = StartTarget("60 cpu", unique.Dll);
        string file = TempFile("name");
        try
        {
            var r = CliRunner.Run(new[] { "collect", "cpu", "-n", unique.Name, "-d", "2s", "-o", file });
            Assert.True(r.ExitCode == 0, r.Stderr);
            var p = Profile.Parse(File.ReadAllBytes(file));
            Assert.Contains($"of pid {target.Id} ", p.Comments[0]);

            r = CliRunner.Run(new[] { "memstats", "-n", unique.Name, "--json" });
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains("\"memstats\"", r.StdoutText);
        }
        finally
        {
            Stop(target);
            File.Delete(file);
        }
    }

    [Fact]
    public void MissingOrAmbiguousNameIsOneClearError()
    {
        using var unique = new UniqueTarget();
        var r = CliRunner.Run(new[] { "collect", "cpu", "-n", unique.Name, "-d", "1s" });
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"dotnet-pprof collect: no .NET process named {unique.Name} (see dotnet-pprof ps)\n", r.Stderr);

        var a = StartTarget("60 idle", unique.Dll);
        var b = StartTarget("60 idle", unique.Dll);
        try
        {
            r = CliRunner.Run(new[] { "collect", "cpu", "-n", unique.Name, "-d", "1s" });
            Assert.Equal(1, r.ExitCode);
            var pids = new[] { a.Id, b.Id }.Order().Select(Pid);
            Assert.Equal($"dotnet-pprof collect: 2 .NET processes are named {unique.Name} (pids {string.Join(", ", pids)}): choose one with -p\n", r.Stderr);
        }
        finally
        {
            Stop(a);
            Stop(b);
        }
    }

    [Fact]
    public void PsListsOtherProcessesButNotItself()
    {
        var target = StartTarget("60 idle");
        try
        {
            int cli = 0;
            var r = CliRunner.Run(new[] { "ps" }, started: pid => cli = pid);
            Assert.True(r.ExitCode == 0, r.Stderr);
            var rows = r.StdoutText.Split('\n').Select(l => l.TrimStart()).ToArray();
            Assert.Contains(rows, l => l.StartsWith(Pid(target.Id) + " ", StringComparison.Ordinal));
            Assert.NotEqual(0, cli);
            Assert.DoesNotContain(rows, l => l.StartsWith(Pid(cli) + " ", StringComparison.Ordinal));
        }
        finally
        {
            Stop(target);
        }
    }

    [Fact]
    public void InterruptStopsEarlyAndKeepsTheProfile()
    {
        var target = StartTarget("120 cpu");
        string file = TempFile("sigint");
        try
        {
            // A 10-minute collection, interrupted (SIGINT, as Ctrl+C sends) after a few seconds: the run ends within
            // CliRunner's two minutes and the profile is written.
            Task? interrupt = null;
            var r = CliRunner.Run(new[] { "collect", "cpu", "-p", Pid(target.Id), "-d", "10m", "-o", file }, started: pid => interrupt = Task.Run(async () =>
            {
                await Task.Delay(3000);
                using var kill = Process.Start("kill", new[] { "-INT", Pid(pid) })!;
                await kill.WaitForExitAsync();
            }));
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains("wrote cpu profile to " + file, r.Stderr);
            var p = Profile.Parse(File.ReadAllBytes(file));
            Assert.True(p.DurationNanos < 120_000_000_000L, "duration " + p.DurationNanos);
        }
        finally
        {
            Stop(target);
            File.Delete(file);
        }
    }

    [Fact]
    public void ProgressShowsOnATerminalOnly()
    {
        var target = StartTarget("60 cpu");
        string file = TempFile("progress");
        try
        {
            // Under a pseudo-terminal (script(1)): the progress line is drawn on stderr.
            string cli = $"'{CliRunner.DotnetHost}' exec '{CliRunner.CliDll}' collect cpu -p {target.Id} -d 3s -o '{file}'";
            var psi = new ProcessStartInfo("script", new[] { "-qec", cli, "/dev/null" }) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
            using (var script = Process.Start(psi)!)
            {
                string terminal = script.StandardOutput.ReadToEnd();
                Assert.True(script.WaitForExit(120_000));
                Assert.True(script.ExitCode == 0, terminal);
                Assert.Contains($"collecting cpu from pid {target.Id}: ", terminal);
                Assert.Contains(" events (Ctrl+C stops early and keeps the profile)", terminal);
                Assert.Contains("s left", terminal);
                Assert.Contains("wrote cpu profile", terminal);
            }

            // Not on a terminal: no progress, only the result.
            var r = CliRunner.Run(new[] { "collect", "cpu", "-p", Pid(target.Id), "-d", "1s", "-o", file });
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.DoesNotContain("Ctrl+C", r.Stderr);
            Assert.DoesNotContain("collecting", r.Stderr);
            Assert.Contains("wrote cpu profile", r.Stderr);
        }
        finally
        {
            Stop(target);
            File.Delete(file);
        }
    }
}
