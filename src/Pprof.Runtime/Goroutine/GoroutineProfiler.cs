using System.Globalization;
using System.Text;
using Pprof.Profiles;

namespace Pprof.Runtime.Goroutine;


/// <summary>The .NET counterpart of Go's goroutine profile: one goroutine/count sample for every managed thread's
/// current stack and for every pending async operation (a state machine not yet completed), the latter stacked as its
/// chain of awaiting async methods, innermost first. Labels: <c>kind</c> (thread or async), <c>state</c>,
/// <c>wait</c> (wait reason) and, for named threads, <c>thread</c>. Works on this process and on others.</summary>
public static class GoroutineProfiler
{
    /// <summary>Takes a goroutine snapshot of process <paramref name="processId"/> (default: this process). Another
    /// process is stopped with ptrace only while its resident writable memory is copied (the pause grows with that
    /// memory: 40–200 ms for a process with 10,000–100,000 pending operations on a loaded 2-core machine), then read
    /// from the copy; this process (or one that may not be traced) is frozen while the runtime writes a dump with its heap
    /// (0.5–2 s, growing with the heap). The profile's comments state which, and the pause.</summary>
    public static Profile Collect(int processId = 0, CancellationToken cancellationToken = default)
    {
        var records = Snapshot(processId, cancellationToken, out var stats);
        return Build(records, processId == 0 ? Environment.ProcessId : processId, stats);
    }

    /// <summary>Writes a goroutine profile of this process: <paramref name="debug"/> 0 gzipped profile.proto, 1 text
    /// grouped by identical stack ("goroutine profile: total N"), 2 a full dump of every thread and async chain.</summary>
    public static void WriteTo(Stream output, int debug = 0)
    {
        ArgumentNullException.ThrowIfNull(output);
        var records = Snapshot(0, CancellationToken.None);
        WriteTo(records, Environment.ProcessId, output, debug);
    }

    internal static void WriteTo(List<GoroutineRecord> records, int pid, Stream output, int debug)
    {
        var p = Build(records, pid);
        if (debug <= 0) p.Write(output);
        else if (debug == 1) WriteGrouped(p, output);
        else WriteDump(records, output);
    }

    internal static List<GoroutineRecord> Snapshot(int processId, CancellationToken cancellationToken) => Snapshot(processId, cancellationToken, out _);

    private static List<GoroutineRecord> Snapshot(int processId, CancellationToken cancellationToken, out GoroutineStats stats)
    {
        int pid = processId == 0 ? Environment.ProcessId : processId;
        var records = GoroutineSnapshot.Collect(pid, cancellationToken, out stats);
        if (pid == Environment.ProcessId) records.RemoveAll(IsOwnSnapshotThread);
        return records;
    }

    /// <summary>The thread taking the snapshot is not part of the application's state.</summary>
    private static bool IsOwnSnapshotThread(GoroutineRecord r) =>
        r.IsThread && r.Frames.Any(f => f.Name.StartsWith("Pprof.Runtime.Goroutine.GoroutineSnapshot.", StringComparison.Ordinal));

    internal static Profile Build(List<GoroutineRecord> records, int pid, GoroutineStats? stats = null)
    {
        var p = new Profile
        {
            SampleTypes = new List<ProfileValueType> { new("goroutine", "count") },
            DefaultSampleType = "goroutine",
            PeriodType = new ProfileValueType("goroutine", "count"),
            Period = 1,
            TimeNanos = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100,
        };
        int threads = records.Count(r => r.IsThread);
        p.Comments.Add($"goroutine snapshot of pid {pid}: {threads} threads, {records.Count - threads} pending async operations");
        if (stats != null && stats.CopiedBytes > 0)
        {
            p.Comments.Add(string.Create(CultureInfo.InvariantCulture,
                $"target suspended {stats.Pause.TotalMilliseconds:0} ms (ptrace: threads stopped in {stats.StopTime.TotalMilliseconds:0} ms, then {stats.CopiedBytes / 1048576.0:0.0} MB of resident writable memory and the registers copied); stacks and async chains were read from the copy after it resumed"));
        }
        if (stats != null && stats.DumpBytes > 0)
        {
            p.Comments.Add(string.Create(CultureInfo.InvariantCulture,
                $"the process was frozen while the runtime wrote a dump with its heap ({stats.DumpBytes / 1048576.0:0} MB in {stats.DumpTime.TotalMilliseconds:0} ms: the pause was at most that; it grows with the heap)"));
            if (stats.FallbackReason != null) p.Comments.Add("not stopped with ptrace: " + stats.FallbackReason);
        }
        var mapping = new Mapping { Id = 1, File = "[dotnet]", HasFunctions = true, HasFilenames = true, HasLineNumbers = true };
        p.Mappings.Add(mapping);
        var functions = new Dictionary<(string, string), Function>();
        var locations = new Dictionary<(Function, long), Location>();
        Location LocationOf(GoroutineFrame f)
        {
            if (!functions.TryGetValue((f.Name, f.File), out var fn))
            {
                fn = new Function { Id = (ulong)p.Functions.Count + 1, Name = f.Name, SystemName = f.SystemName, Filename = f.File, StartLine = f.StartLine };
                functions.Add((f.Name, f.File), fn);
                p.Functions.Add(fn);
            }
            if (!locations.TryGetValue((fn, f.Line), out var loc))
            {
                loc = new Location { Id = (ulong)p.Locations.Count + 1, Mapping = mapping, Lines = new[] { new Line(fn, f.Line) } };
                locations.Add((fn, f.Line), loc);
                p.Locations.Add(loc);
            }
            return loc;
        }

        var samples = new Dictionary<string, Sample>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            var locs = r.Frames.Select(LocationOf).ToArray();
            var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["kind"] = r.IsThread ? "thread" : "async",
                ["state"] = r.State,
            };
            if (r.WaitReason.Length > 0) labels["wait"] = r.WaitReason;
            if (r.Name.Length > 0) labels["thread"] = r.Name;
            string key = string.Join(',', locs.Select(l => l.Id)) + "|" + string.Join(';', labels.Select(kv => kv.Key + "=" + kv.Value));
            if (samples.TryGetValue(key, out var s))
            {
                s.Values[0]++;
                continue;
            }
            s = new Sample(locs, new long[] { 1 }) { Labels = new Dictionary<string, string[]>(StringComparer.Ordinal) };
            foreach (var (k, v) in labels) s.Labels[k] = new[] { v };
            samples.Add(key, s);
            p.Samples.Add(s);
        }
        p.CheckValid();
        return p;
    }

    /// <summary>debug=1: "goroutine profile: total N", then each distinct stack with its count, largest first.</summary>
    private static void WriteGrouped(Profile p, Stream output)
    {
        var inv = CultureInfo.InvariantCulture;
        using var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        w.WriteLine(string.Create(inv, $"goroutine profile: total {p.Samples.Sum(s => s.Values[0])}"));
        foreach (var s in p.Samples.OrderByDescending(s => s.Values[0]).ThenBy(s => s.Locations.Length))
        {
            w.Write(string.Create(inv, $"{s.Values[0]} @"));
            foreach (var l in s.Locations) w.Write(string.Create(inv, $" 0x{l.Id:x}"));
            w.WriteLine();
            if (s.Labels != null)
                w.WriteLine("# labels: {" + string.Join(", ", s.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"\"{kv.Key}\":\"{kv.Value[0]}\"")) + "}");
            foreach (var l in s.Locations)
            {
                var line = l.Lines[0];
                var f = line.Function!;
                string where = f.Filename.Length > 0 ? string.Create(inv, $"\t{f.Filename}:{line.LineNumber}") : "";
                w.WriteLine(string.Create(inv, $"#\t0x{l.Id:x}\t{f.Name}+0x0{where}"));
            }
            w.WriteLine();
        }
    }

    /// <summary>debug=2: every thread and pending async chain, as Go's panic-style goroutine dump.</summary>
    private static void WriteDump(List<GoroutineRecord> records, Stream output)
    {
        var inv = CultureInfo.InvariantCulture;
        using var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        foreach (var r in records.OrderBy(r => r.IsThread ? 0 : 1).ThenBy(r => r.Id))
        {
            string state = r.WaitReason.Length > 0 ? r.WaitReason : r.State;
            if (r.WaitTime is TimeSpan t) state += string.Create(inv, $", {Math.Floor(t.TotalMinutes)} minutes");
            if (r.IsThread)
            {
                string name = r.Name.Length > 0 ? $" \"{r.Name}\"" : "";
                w.WriteLine(string.Create(inv, $"thread {r.Id}{name} (os thread {r.OSThreadId}) [{state}]:"));
            }
            else
            {
                w.WriteLine(string.Create(inv, $"async 0x{r.Id:x} [{state}, state {r.AsyncState}]:"));
            }
            foreach (var f in r.Frames)
            {
                w.WriteLine(f.Name + "(...)");
                if (f.File.Length > 0) w.WriteLine(string.Create(inv, $"\t{f.File}:{f.Line}"));
                else if (!r.IsThread) w.WriteLine("\tawaiting");
            }
            w.WriteLine();
        }
    }
}
