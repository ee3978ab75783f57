using System.Diagnostics;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Runtime;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Goroutine;

/// <summary>Reads every managed thread's stack and every pending async state machine of a process with ClrMD. Another
/// process is stopped with ptrace only while its writable memory is copied (<see cref="ProcessMemorySnapshot"/>), then
/// the copy is read; this process (which cannot trace itself), or one that may not be traced, writes a dump with its
/// heap through the diagnostics port (createdump), frozen while the dump is written; the dump is read and deleted.</summary>
internal static class GoroutineSnapshot
{
    private const int MaxChain = 256;
    private const int MaxFrames = 512;

    // Task.m_stateFlags completion bits.
    private const int TaskCompletedMask = 0x1000000 | 0x200000 | 0x400000;

    public static List<GoroutineRecord> Collect(int pid, CancellationToken cancellationToken, out GoroutineStats stats)
    {
        stats = new GoroutineStats();
        // Another process: stop it with ptrace just long enough to copy its writable memory, then read the copy. This
        // process cannot trace itself, and a process we may not trace can still write its own dump: both use the dump.
        if (pid != Environment.ProcessId)
        {
            ProcessMemorySnapshot? snapshot = null;
            string? why = null;
            // A child this process started: the runtime reaps its children with waitpid when SIGCHLD arrives, and the
            // child's ptrace stop would then read as its exit (Process.HasExited turns true, Kill does nothing).
            if (Internal.ProcStat.Fields($"/proc/{pid}/stat") is [_, { } ppid, ..] && ppid == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                why = "the target is a child of this process (its stop would read as its exit to the .NET process APIs)";
            else
            {
                try { snapshot = ProcessMemorySnapshot.Take(pid); }
                catch (ProfilerException e) { why = e.Message; }
            }
            if (snapshot != null)
            {
                using (snapshot)
                {
                    var sw = Stopwatch.StartNew();
                    stats.Pause = snapshot.Pause;
                    stats.CopiedBytes = snapshot.CopiedBytes;
                    stats.StopTime = snapshot.StopTime;
                    cancellationToken.ThrowIfCancellationRequested();
                    using var target = new DataTarget(snapshot, new DataTargetOptions());
                    if (target.ClrVersions.Length == 0) throw new ProfilerException($"process {pid} has no .NET runtime");
                    using var runtime = target.ClrVersions[0].CreateRuntime();
                    var states = snapshot.ThreadStates;
                    var list = Read(runtime, tid => states.TryGetValue(tid, out char c) ? c : '?', cancellationToken);
                    stats.Total = snapshot.Pause + sw.Elapsed;
                    return list;
                }
            }
            stats.FallbackReason = why;
        }
        return CollectFromDump(pid, cancellationToken, stats);
    }

    private static List<GoroutineRecord> CollectFromDump(int pid, CancellationToken cancellationToken, GoroutineStats stats)
    {
        string dir = Path.Combine(Path.GetTempPath(), "pprof-goroutine-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "core." + pid);
        var sw = Stopwatch.StartNew();
        try
        {
            try
            {
                new DiagnosticsClient(pid).WriteDump(DumpType.WithHeap, path, logDumpGeneration: false);
            }
            catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or TimeoutException or IOException or UnauthorizedAccessException)
            {
                throw new ProfilerException($"cannot dump process {pid}: {e.Message} (is it a .NET process with DOTNET_EnableDiagnostics unset?)", e);
            }
            stats.DumpTime = sw.Elapsed;
            stats.DumpBytes = new FileInfo(path).Length;
            cancellationToken.ThrowIfCancellationRequested();
            using var target = DataTarget.LoadDump(path);
            if (target.ClrVersions.Length == 0) throw new ProfilerException($"process {pid} has no .NET runtime in its dump");
            using var runtime = target.ClrVersions[0].CreateRuntime();
            // Read after the dump: the process runs again, so the states are those of now, not of the dump.
            var list = Read(runtime, tid => OsState(pid, tid), cancellationToken);
            stats.Total = sw.Elapsed;
            return list;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static List<GoroutineRecord> Read(ClrRuntime runtime, Func<uint, char> osState, CancellationToken cancellationToken)
    {
        var heap = runtime.Heap;
        // Names by (native Thread*, managed id): managed ids are reused, and the Thread object of an ended thread can
        // still be on the heap with the id a live thread now has.
        var threadNames = new Dictionary<(ulong, int), string>();
        var boxes = new List<ClrObject>();
        if (heap.CanWalkHeap)
        {
            foreach (var obj in heap.EnumerateObjects())
            {
                var type = obj.Type;
                if (type == null) continue;
                string? name = type.Name;
                if (name == null) continue;
                if (name == "System.Threading.Thread")
                {
                    if (ThreadKey(obj) is { } key && obj.TryReadStringField("_name", null, out string? tname) && tname != null)
                        threadNames[key] = tname;
                }
                else if (name.Contains("AsyncStateMachineBox", StringComparison.Ordinal) && type.GetFieldByName("StateMachine") != null)
                {
                    boxes.Add(obj);
                }
            }
        }
        // A heap walk can stop early (a gap the dump does not describe), so names also come from the handles that keep
        // each running thread's Thread object alive: no walk needed for those.
        foreach (var handle in runtime.EnumerateHandles())
        {
            var obj = handle.Object;
            if (obj.IsNull || obj.Type?.Name != "System.Threading.Thread") continue;
            if (ThreadKey(obj) is { } key && !threadNames.ContainsKey(key)
                && obj.TryReadStringField("_name", null, out string? tname) && tname != null)
                threadNames[key] = tname;
        }
        cancellationToken.ThrowIfCancellationRequested();
        var result = new List<GoroutineRecord>();
        ReadThreads(runtime, osState, threadNames, result);
        ReadAsync(heap, boxes, result);
        return result;
    }

    /// <summary>A Thread object's native thread (0 once it ended) and managed id, or null when unreadable.</summary>
    private static (ulong, int)? ThreadKey(ClrObject thread) =>
        thread.TryReadField("_managedThreadId", out int tid) && thread.TryReadField("_DONT_USE_InternalThread", out nint native) && native != 0
            ? ((ulong)native, tid)
            : null;

    private static void ReadThreads(ClrRuntime runtime, Func<uint, char> osState, Dictionary<(ulong, int), string> names, List<GoroutineRecord> result)
    {
        foreach (var t in runtime.Threads)
        {
            if (!t.IsAlive) continue;
            var frames = new List<GoroutineFrame>();
            foreach (var f in t.EnumerateStackTrace(false, MaxFrames))
            {
                if (f.Kind != ClrStackFrameKind.ManagedMethod || f.Method == null) continue;
                frames.Add(FrameOf(f.Method, f.InstructionPointer));
            }
            if (frames.Count == 0)
            {
                // Threads the runtime knows that run no managed code now (idle native waits) still count, as Go's
                // parked goroutines do.
                frames.Add(new GoroutineFrame(t.IsFinalizer ? "[finalizer thread]" : t.IsGc ? "[gc thread]" : "[no managed frames]", "", "", 0, 0));
            }
            names.TryGetValue((t.Address, t.ManagedThreadId), out string? name);
            if (string.IsNullOrEmpty(name) && t.IsFinalizer) name = ".NET Finalizer";
            string reason = WaitReasons.Of(frames);
            char os = osState(t.OSThreadId);
            string state = reason.Length > 0 || os is 'S' or 'D' or 't' or 'T' ? "waiting" : "running";
            if (reason.Length == 0 && state == "waiting") reason = os == 'D' ? "uninterruptible wait" : "syscall";
            result.Add(new GoroutineRecord(true, t.ManagedThreadId, name ?? "", state, reason, frames) { OSThreadId = t.OSThreadId });
        }
    }

    private static char OsState(int pid, uint tid)
        => Internal.ProcStat.Fields($"/proc/{pid}/task/{tid}/stat") is [{ Length: > 0 } state, ..] ? state[0] : '?';

    private static void ReadAsync(ClrHeap heap, List<ClrObject> boxes, List<GoroutineRecord> result)
    {
        // Pending boxes, and for each the box awaiting it (its continuation), if any.
        var pending = new Dictionary<ulong, ClrObject>();
        foreach (var box in boxes)
        {
            if (!box.TryReadField("m_stateFlags", out int flags) || (flags & TaskCompletedMask) != 0) continue;
            pending[box.Address] = box;
        }
        var next = new Dictionary<ulong, ulong>();
        var awaited = new HashSet<ulong>();
        foreach (var (addr, box) in pending)
        {
            ulong parent = AwaitingBox(box, pending);
            if (parent != 0 && parent != addr)
            {
                next[addr] = parent;
                awaited.Add(parent);
            }
        }
        foreach (var (addr, box) in pending)
        {
            if (awaited.Contains(addr)) continue; // not innermost: part of a deeper chain
            var frames = new List<GoroutineFrame>();
            var seen = new HashSet<ulong>();
            ulong cur = addr;
            while (cur != 0 && seen.Add(cur) && frames.Count < MaxChain)
            {
                frames.Add(AsyncFrame(pending[cur]));
                cur = next.TryGetValue(cur, out ulong p) ? p : 0;
            }
            int state = StateOf(box);
            string reason = state >= 0 ? AwaitReason(box) : state == -1 ? "scheduled" : "completing";
            result.Add(new GoroutineRecord(false, (long)addr, "", "pending", reason, frames) { AsyncState = state });
        }
    }

    /// <summary>The state machine inside a box: an object (debug builds compile state machines as classes, and the
    /// box then holds a shared-generic reference) or a struct stored inline (release builds).</summary>
    private readonly struct StateMachineView
    {
        private readonly ClrObject _obj;
        private readonly ClrValueType _val;
        private readonly bool _isObject;

        private StateMachineView(ClrObject obj, ClrValueType val, bool isObject, ClrType? type)
        {
            _obj = obj;
            _val = val;
            _isObject = isObject;
            Type = type;
        }

        public ClrType? Type { get; }

        public static StateMachineView Of(ClrObject box)
        {
            var field = box.Type?.GetFieldByName("StateMachine");
            if (field == null) return default;
            if (field.IsObjectReference)
            {
                var o = box.ReadObjectField(field);
                return o.IsNull ? default : new StateMachineView(o, default, true, o.Type);
            }
            var v = box.ReadValueTypeField(field);
            return new StateMachineView(default, v, false, v.Type ?? field.Type);
        }

        public int ReadInt(ClrInstanceField f) => _isObject ? _obj.ReadField<int>(f) : _val.ReadField<int>(f);

        public ClrObject ReadObject(ClrInstanceField f) => _isObject ? _obj.ReadObjectField(f) : _val.ReadObjectField(f);

        public ClrValueType ReadStruct(ClrInstanceField f) => _isObject ? _obj.ReadValueTypeField(f) : _val.ReadValueTypeField(f);
    }

    private static int StateOf(ClrObject box)
    {
        try
        {
            var sm = StateMachineView.Of(box);
            var f = sm.Type?.GetFieldByName("<>1__state");
            return f != null ? sm.ReadInt(f) : -1;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException) { return -1; }
    }

    /// <summary>"await X" where X is the type of the task the innermost state machine awaits.</summary>
    private static string AwaitReason(ClrObject box)
    {
        try
        {
            var sm = StateMachineView.Of(box);
            if (sm.Type == null) return "await";
            foreach (var field in sm.Type.Fields)
            {
                if (field.Name == null || !field.Name.StartsWith("<>u__", StringComparison.Ordinal) || field.Type == null) continue;
                if (field.IsObjectReference)
                {
                    var o = sm.ReadObject(field);
                    if (!o.IsNull && o.Type?.Name != null) return "await " + TypeNames.Format(o.Type.Name);
                    continue;
                }
                var awaiter = sm.ReadStruct(field);
                var awaiterType = awaiter.Type ?? field.Type;
                foreach (var inner in awaiterType.Fields)
                {
                    if (!inner.IsObjectReference || inner.Name == null) continue;
                    var task = awaiter.ReadObjectField(inner);
                    if (task.IsNull || task.Type?.Name == null) continue;
                    string t = task.Type.Name;
                    if (t.Contains("DelayPromise", StringComparison.Ordinal)) return "sleep (Task.Delay)";
                    return "await " + TypeNames.Format(t);
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException) { }
        return "await";
    }

    /// <summary>The pending box whose state machine resumes when <paramref name="box"/> completes, or 0.</summary>
    private static ulong AwaitingBox(ClrObject box, Dictionary<ulong, ClrObject> pending)
    {
        if (!box.TryReadObjectField("m_continuationObject", out var cont)) return 0;
        return Resolve(cont, pending, 0);
    }

    private static ulong Resolve(ClrObject o, Dictionary<ulong, ClrObject> pending, int depth)
    {
        if (o.IsNull || !o.IsValid || depth > 8) return 0;
        if (pending.ContainsKey(o.Address)) return o.Address;
        var type = o.Type;
        if (type == null) return 0;
        if (type.IsArray)
        {
            var arr = o.AsArray();
            for (int i = 0; i < Math.Min(arr.Length, 16); i++)
            {
                ulong r = Resolve(arr.GetObjectValue(i), pending, depth + 1);
                if (r != 0) return r;
            }
            return 0;
        }
        // Delegates (MoveNext actions), task continuations (m_action), lists of continuations (_items), and tasks
        // that complete when others do (Task.WhenAll/WhenAny promises: m_continuationObject).
        foreach (string f in new[] { "_target", "m_action", "_items", "m_continuationObject", "_continuation" })
        {
            if (type.GetFieldByName(f) is { IsObjectReference: true } && o.TryReadObjectField(f, out var inner))
            {
                ulong r = Resolve(inner, pending, depth + 1);
                if (r != 0) return r;
            }
        }
        return 0;
    }

    private static GoroutineFrame AsyncFrame(ClrObject box)
    {
        string smName = StateMachineView.Of(box).Type?.Name ?? StateMachineArgument(box.Type?.Name) ?? "[async]";
        // The state machine is Outer+<Method>d__N: name the frame after the async method, as the other profiles do.
        string name = FrameNames.Format(smName + ".MoveNext()");
        return new GoroutineFrame(name, smName, "", 0, 0);
    }

    /// <summary>The TStateMachine argument of <c>...AsyncStateMachineBox&lt;TStateMachine&gt;</c>.</summary>
    private static string? StateMachineArgument(string? boxType)
    {
        if (boxType == null) return null;
        int i = boxType.LastIndexOf("AsyncStateMachineBox<", StringComparison.Ordinal);
        if (i < 0 || !boxType.EndsWith('>')) return null;
        return boxType[(i + "AsyncStateMachineBox<".Length)..^1];
    }

    private static readonly Dictionary<(string, int, int), GoroutineFrame> s_frames = new();

    private static GoroutineFrame FrameOf(ClrMethod method, ulong ip)
    {
        string sig = method.Signature ?? ((method.Type?.Name ?? "?") + "." + (method.Name ?? "?"));
        string name = FrameNames.Format(sig);
        int il = -1;
        try { il = method.GetILOffset(ip); } catch (InvalidOperationException) { }
        string module = method.Type?.Module?.Name ?? "";
        lock (s_frames)
        {
            if (s_frames.TryGetValue((module, method.MetadataToken, il), out var cached) && cached.Name == name) return cached;
            var frame = PdbLines.TryGet(module, method.MetadataToken, il, out string file, out long start, out long line)
                ? new GoroutineFrame(name, sig, file, start, line)
                : new GoroutineFrame(name, sig, "", 0, 0);
            s_frames[(module, method.MetadataToken, il)] = frame;
            return frame;
        }
    }
}
