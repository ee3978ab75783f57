using System.Diagnostics;
using System.Globalization;
using Pprof.Runtime.Goroutine;
using Pprof.Runtime.Heap;

namespace Pprof.Heap.Bench;

/// <summary>Heap and goroutine profile benchmark. The profiled application is a child process (this program in
/// target mode) holding N live objects or N pending tasks; the profiler runs here, so its peak memory is this
/// process's peak RSS (VmHWM). Usage: Pprof.Heap.Bench [heap N...] [goroutine N...] [goroutine-dump N...]
/// [goroutine-self N...]; default heap 1000000 10000000 goroutine 10000. <c>goroutine</c> stops the target with ptrace
/// and copies its memory; <c>goroutine-dump</c> starts the target as a child, which the profiler snapshots through a
/// dump with heap instead (the former path); <c>goroutine-heap</c> (<c>goroutine-heap-dump</c>) takes it of a target
/// holding N live objects (how the pause grows with the heap); <c>goroutine-self</c> has the target take its own goroutine profile
/// (<c>Profiler.Lookup("goroutine")</c>, the in-process path, also a dump). Pauses by the target's heartbeat.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "target-heap") return TargetHeap(int.Parse(args[1], CultureInfo.InvariantCulture));
        if (args.Length >= 2 && args[0] == "target-tasks") return TargetTasks(int.Parse(args[1], CultureInfo.InvariantCulture));
        if (args.Length >= 3 && args[0] == "target-list") return TargetList(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture));
        if (args.Length >= 2 && args[0] == "retention") return Retention(int.Parse(args[1], CultureInfo.InvariantCulture), args.Length > 2 ? args[2] : null);
        var runs = new List<(string Kind, int N)>();
        for (int i = 0; i + 1 < args.Length; i += 2) runs.Add((args[i], int.Parse(args[i + 1], CultureInfo.InvariantCulture)));
        if (runs.Count == 0) runs.AddRange(new[] { ("heap", 1_000_000), ("heap", 10_000_000), ("goroutine", 10_000) });
        Console.WriteLine("| profile | live objects / pending tasks | profile time | application pause | profiler peak RSS | profile size |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (kind, n) in runs)
        {
            if (kind == "heap") RunHeap(n);
            else if (kind == "goroutine-self") RunGoroutineInProcess(n);
            else if (kind == "goroutine-dump") RunGoroutine(n, child: true);
            else if (kind == "goroutine-heap") RunGoroutine(n, mode: "target-heap");
            else if (kind == "goroutine-heap-dump") RunGoroutine(n, child: true, mode: "target-heap");
            else RunGoroutine(n);
        }
        return 0;
    }

    /// <summary>Starts the target through <c>sh</c>, so that it is not this process's child: .NET reaps its children
    /// with waitpid on SIGCHLD, and a goroutine snapshot's ptrace stop of a child would read as its exit (the profiler
    /// then falls back to a dump). The shell's pipes are the target's; its pid comes on the "ready PID" line.</summary>
    private static Process StartTarget(string mode, int n, out int pid, bool child = false)
    {
        string dll = typeof(Program).Assembly.Location, count = n.ToString(CultureInfo.InvariantCulture);
        var psi = new ProcessStartInfo(child ? "dotnet" : "/bin/sh", child ? new[] { dll, mode, count } : new[] { "-c", "dotnet \"$@\"; true", "sh", dll, mode, count })
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        var p = Process.Start(psi)!;
        string? line = p.StandardOutput.ReadLine();
        if (line == null || !line.StartsWith("ready ", StringComparison.Ordinal)) throw new InvalidOperationException("target failed: " + line);
        pid = int.Parse(line[6..], CultureInfo.InvariantCulture);
        return p;
    }

    private static void StopTarget(Process shell, int pid)
    {
        try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        shell.WaitForExit();
    }

    private static void RunHeap(int n)
    {
        using var target = StartTarget("target-heap", n, out int pid);
        try
        {
            long baseline = PeakRss();
            ResetPeakRss();
            Thread.Sleep(1000);
            double idle = Gap(target);
            ResetGap(target);
            var sw = Stopwatch.StartNew();
            var profile = HeapProfiler.Collect(pid, new HeapProfileOptions { BufferMB = 4096 });
            sw.Stop();
            double frozen = Gap(target);
            double pauseMs = Comment(profile, @"\(pause ([0-9.]+) ms\)");
            var ms = new MemoryStream();
            profile.Write(ms);
            long objects = profile.Samples.Sum(s => s.Values[0]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| heap | {n:N0} ({objects:N0} in profile) | {sw.Elapsed.TotalSeconds:0.00} s | {pauseMs:0} ms (heartbeat: {frozen:0} ms, idle {idle:0} ms) | {PeakRss() / 1048576.0:0} MB (before: {baseline / 1048576.0:0} MB) | {ms.Length / 1024.0:0} KiB |"));
            foreach (var c in profile.Comments.Where(c => c.StartsWith("truncated", StringComparison.Ordinal))) Console.WriteLine("  " + c);
        }
        finally
        {
            StopTarget(target, pid);
        }
    }

    /// <summary>A goroutine snapshot from here. <paramref name="child"/>: the target is this process's child, which
    /// the profiler snapshots through a dump written by createdump (the former path, for comparison).</summary>
    private static void RunGoroutine(int n, bool child = false, string mode = "target-tasks")
    {
        using var target = StartTarget(mode, n, out int pid, child);
        try
        {
            ResetPeakRss();
            Thread.Sleep(1000);
            double idle = Gap(target);
            ResetGap(target);
            var sw = Stopwatch.StartNew();
            var profile = GoroutineProfiler.Collect(pid);
            sw.Stop();
            double frozen = Gap(target);
            double dumpMb = Comment(profile, @"with its heap \(([0-9.]+) MB in "), dumpMs = Comment(profile, @" MB in ([0-9.]+) ms");
            double suspendedMs = Comment(profile, @"^target suspended ([0-9.]+) ms"), copiedMb = Comment(profile, @", then ([0-9.]+) MB of resident"), stopMs = Comment(profile, @"threads stopped in ([0-9.]+) ms");
            string how = double.IsNaN(suspendedMs)
                ? string.Create(CultureInfo.InvariantCulture, $"dump written in {dumpMs:0} ms, {dumpMb:0} MB")
                : string.Create(CultureInfo.InvariantCulture, $"ptrace stop {suspendedMs:0} ms of which stopping the threads {stopMs:0} ms, {copiedMb:0.0} MB copied");
            long pending = profile.Samples.Where(s => s.Labels!["kind"][0] == "async").Sum(s => s.Values[0]);
            var ms = new MemoryStream();
            profile.Write(ms);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| goroutine{(mode == "target-heap" ? " (heap target)" : "")} | {n:N0} ({pending:N0} pending in profile) | {sw.Elapsed.TotalSeconds:0.00} s | {frozen:0} ms heartbeat gap (idle {idle:0} ms; {how}) | {PeakRss() / 1048576.0:0} MB | {ms.Length / 1024.0:0} KiB |"));
        }
        finally
        {
            StopTarget(target, pid);
        }
    }

    private static void RunGoroutineInProcess(int n)
    {
        using var target = StartTarget("target-tasks", n, out int pid);
        try
        {
            Thread.Sleep(1000);
            double idle = Gap(target);
            ResetGap(target);
            target.StandardInput.WriteLine("self");
            target.StandardInput.Flush();
            string line;
            do line = target.StandardOutput.ReadLine() ?? throw new InvalidOperationException("target exited");
            while (!line.StartsWith("self ", StringComparison.Ordinal));
            double frozen = Gap(target);
            string[] parts = line.Split(' ', 4);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| goroutine in-process | {n:N0} ({long.Parse(parts[1], CultureInfo.InvariantCulture):N0} pending in profile) | {parts[2]} s | {frozen:0} ms heartbeat gap (idle {idle:0} ms; {parts[3]}) | (target) | |"));
        }
        finally
        {
            StopTarget(target, pid);
        }
    }

    private static long s_maxGapTicks;

    /// <summary>In the target: a thread that sleeps 1 ms at a time and records the longest gap between its wake-ups
    /// (how long the process was frozen), and a stdin loop: <c>reset</c> clears it, <c>gap</c> prints it in ms.</summary>
    private static void StartHeartbeat()
    {
        new Thread(() =>
        {
            var sw = Stopwatch.StartNew();
            long last = sw.ElapsedTicks;
            while (true)
            {
                Thread.Sleep(1);
                long now = sw.ElapsedTicks;
                long gap = now - last;
                last = now;
                if (gap > Interlocked.Read(ref s_maxGapTicks)) Interlocked.Exchange(ref s_maxGapTicks, gap);
            }
        }) { IsBackground = true, Name = "heartbeat" }.Start();
        new Thread(() =>
        {
            string? line;
            while ((line = Console.ReadLine()) != null)
            {
                if (line == "reset") Interlocked.Exchange(ref s_maxGapTicks, 0);
                else if (line == "self")
                {
                    var sw = Stopwatch.StartNew();
                    var p = Pprof.Runtime.Profiler.Lookup("goroutine")!.Build();
                    long pending = p.Samples.Where(s => s.Labels!["kind"][0] == "async").Sum(s => s.Values[0]);
                    string how = p.Comments.FirstOrDefault(c => c.StartsWith("the process was frozen", StringComparison.Ordinal) || c.StartsWith("target suspended", StringComparison.Ordinal)) ?? "";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"self {pending} {sw.Elapsed.TotalSeconds:0.00} {how}"));
                }
                else if (line == "gap") Console.WriteLine((Interlocked.Read(ref s_maxGapTicks) * 1000.0 / Stopwatch.Frequency).ToString("0.0", CultureInfo.InvariantCulture));
            }
        }) { IsBackground = true, Name = "heartbeat control" }.Start();
    }

    /// <summary>The target's longest heartbeat gap since the last reset, in ms.</summary>
    private static double Gap(Process target)
    {
        target.StandardInput.WriteLine("gap");
        target.StandardInput.Flush();
        // The runtime may print its own lines (createdump) on the target's stdout first.
        while (true)
        {
            string line = target.StandardOutput.ReadLine() ?? throw new InvalidOperationException("target exited");
            if (double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms)) return ms;
        }
    }

    private static void ResetGap(Process target)
    {
        target.StandardInput.WriteLine("reset");
        target.StandardInput.Flush();
    }

    /// <summary>A figure the profile states in its comments (first group of <paramref name="pattern"/>); NaN when absent.</summary>
    private static double Comment(Pprof.Profiles.Profile profile, string pattern)
    {
        foreach (string c in profile.Comments)
        {
            var m = System.Text.RegularExpressions.Regex.Match(c, pattern, System.Text.RegularExpressions.RegexOptions.NonBacktracking);
            if (m.Success) return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        return double.NaN;
    }

    /// <summary>VmHWM of this process, bytes.</summary>
    private static long PeakRss()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        return 0;
    }

    private static void ResetPeakRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>A node of the retained structure: a small object with one reference, as in a linked structure.</summary>
    private sealed class Node
    {
        public Node? Next;
        public long Value;
    }

    private static Node[]? s_nodes;
    private static readonly List<Task> s_tasks = new();

    private static int TargetHeap(int n)
    {
        // n objects: n/2 nodes in an array, each pointing at a second node.
        var nodes = new Node[n / 2];
        for (int i = 0; i < nodes.Length; i++) nodes[i] = new Node { Value = i, Next = new Node() };
        s_nodes = nodes;
        StartHeartbeat();
        Console.WriteLine("ready " + Environment.ProcessId);
        Thread.Sleep(Timeout.Infinite);
        GC.KeepAlive(s_nodes);
        GC.KeepAlive(s_list);
        return 0;
    }

    private static LinkedList<byte[]>? s_list;

    /// <summary>About <paramref name="n"/> live objects of which a <see cref="LinkedList{T}"/> of
    /// <paramref name="listNodes"/> nodes (each node and its 16-byte array), the rest node pairs as in target-heap.</summary>
    private static int TargetList(int n, int listNodes)
    {
        var list = new LinkedList<byte[]>();
        for (int i = 0; i < listNodes; i++) list.AddLast(new byte[16]);
        s_list = list;
        return TargetHeap(Math.Max(0, n - 2 * listNodes));
    }

    /// <summary>One retention profile of process <paramref name="pid"/>, as <c>collect retention</c> takes it, for
    /// <c>/usr/bin/time -v</c>: prints the time and the phases on stderr, and writes the live objects and bytes per
    /// type to <paramref name="typesFile"/> (to compare with <c>dotnet-gcdump report</c>).</summary>
    private static int Retention(int pid, string? typesFile)
    {
        var sw = Stopwatch.StartNew();
        var progress = new Progress<HeapProgress>(p => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sw.Elapsed.TotalSeconds,7:0.0} s {p.Phase} {p.Done:N0}/{p.Total:N0}")));
        var profile = HeapProfiler.Collect(pid, new HeapProfileOptions { BufferMB = 4096 }, progress);
        sw.Stop();
        double pause = Comment(profile, @"\(pause ([0-9.]+) ms\)"), session = Comment(profile, @"collected in ([0-9.]+) s"), analysis = Comment(profile, @"\+ ([0-9.]+) s \(analysis\)");
        long objects = profile.Samples.Sum(s => s.Values[0]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"retention profile of {objects:N0} objects: {sw.Elapsed.TotalSeconds:0.00} s (snapshot session {session:0.00} s, pause {pause:0} ms, analysis {analysis:0.00} s), peak RSS {PeakRss() / 1048576.0:0} MB"));
        if (typesFile != null)
        {
            var byType = profile.Samples.GroupBy(s => s.Locations[0].Lines[0].Function!.Name)
                .Select(g => (Type: g.Key, Count: g.Sum(s => s.Values[0]), Bytes: g.Sum(s => s.Values[1])))
                .OrderByDescending(t => t.Bytes);
            File.WriteAllLines(typesFile, byType.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Bytes,14} {t.Count,12}  {t.Type}")));
        }
        return 0;
    }

    private static async Task Pending(TaskCompletionSource never) => await never.Task;

    private static int TargetTasks(int n)
    {
        var never = new TaskCompletionSource();
        for (int i = 0; i < n; i++) s_tasks.Add(Pending(never));
        StartHeartbeat();
        Console.WriteLine("ready " + Environment.ProcessId);
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }
}
