using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;
using Microsoft.Diagnostics.Runtime.DataReaders.Implementation;
using Microsoft.Win32.SafeHandles;

namespace Pprof.Runtime.Goroutine;

/// <summary>A ClrMD data reader over a copy of a live process's writable memory, taken while the process was
/// stopped by ptrace: every thread is stopped, the resident pages of the writable mappings (GC heap, stacks, the
/// runtime's own data) are copied with <c>process_vm_readv</c> into memory prepared beforehand and the threads'
/// registers saved, then the process resumes. ClrMD then reads the copy at leisure; memory that was not copied (code,
/// images, pages never touched) is read from the live process, where it has not changed. The pause is the copy, not
/// the analysis.</summary>
internal sealed partial class ProcessMemorySnapshot : IDataReader, IThreadReader, IDisposable
{
    // Runs of resident pages are copied in pieces of at most this many bytes.
    private const int MaxChunk = 64 << 20;
    private const int ContextBytes = 4096;
    private const int PagemapBatch = 4096;

    private readonly ulong[] _starts;
    // The copies, in native memory: allocating them on the GC heap could start a full GC of this process while the
    // target is stopped (measured: 350 ms added to the pause of a 20 MB copy).
    private readonly nint[] _chunks;
    private readonly int[] _lengths;
    private readonly nint[] _owned; // what to free: the arena and any chunk allocated beyond it
    private readonly Dictionary<uint, byte[]> _contexts;
    private readonly DataTarget _live;
    private bool _disposed;

    private ProcessMemorySnapshot(int pid, ulong[] starts, nint[] chunks, int[] lengths, nint[] owned, Dictionary<uint, byte[]> contexts, Dictionary<uint, char> states, DataTarget live)
    {
        _owned = owned;
        ProcessId = pid;
        _starts = starts;
        _chunks = chunks;
        _lengths = lengths;
        _contexts = contexts;
        ThreadStates = states;
        _live = live;
    }

    /// <summary>How long the process was stopped.</summary>
    public TimeSpan Pause { get; private init; }

    /// <summary>Of <see cref="Pause"/>, the time until every thread had stopped.</summary>
    public TimeSpan StopTime { get; private init; }

    /// <summary>Bytes copied while it was stopped.</summary>
    public long CopiedBytes { get; private init; }

    /// <summary>Each thread's state (proc(5) field 3) just before the process was stopped.</summary>
    public IReadOnlyDictionary<uint, char> ThreadStates { get; }

    /// <summary>Stops process <paramref name="pid"/>, copies its writable memory and registers, resumes it. Throws
    /// <see cref="ProfilerException"/> when the process cannot be traced (permissions, ptrace disabled).</summary>
    public static ProcessMemorySnapshot Take(int pid)
    {
        var states = new Dictionary<uint, char>();
        foreach (uint tid in Threads(pid))
        {
            if (Internal.ProcStat.Fields($"/proc/{pid}/task/{tid}/stat") is [{ Length: > 0 } s, ..]) states[tid] = s[0];
        }
        var starts = new List<ulong>();
        var chunks = new List<nint>();
        var lengths = new List<int>();
        var owned = new List<nint>();
        var contexts = new Dictionary<uint, byte[]>();
        long copied = 0;
        DataTarget live;
        try
        {
            live = DataTarget.AttachToProcess(pid, suspend: false);
        }
        catch (Exception e) when (e is ArgumentException or ClrDiagnosticsException or IOException or UnauthorizedAccessException)
        {
            throw new ProfilerException($"cannot read process {pid}: {e.Message}", e);
        }
        var stopped = new Dictionary<int, int>();
        bool done = false;
        TimeSpan stopTime = default, pause;
        Stopwatch sw;
        try
        {
            WarmUp(pid, live.DataReader);
            // The copy's memory, allocated and touched now: page faults in this process during the stop would
            // lengthen it. Sized by the resident writable memory of a moment ago, with room to grow.
            nuint arenaSize = (nuint)ResidentWritableBytes(pid);
            arenaSize += arenaSize / 4 + (1 << 20);
            nint arena = AllocateTouched(arenaSize);
            owned.Add(arena);
            nuint arenaUsed = 0;
            var threadIds = new List<int>();
            sw = Stopwatch.StartNew();
            StopAll(pid, stopped);
            stopTime = sw.Elapsed;
            // PTRACE_GETREGS through ClrMD's live reader: this thread is the tracer of every stopped thread.
            threadIds.AddRange(stopped.Keys);
            foreach (int tid in threadIds)
            {
                byte[] ctx = new byte[ContextBytes];
                if (live.DataReader.GetThreadContext((uint)tid, 0, ctx)) contexts[(uint)tid] = ctx;
            }
            using var pagemap = OpenPagemap(pid);
            foreach (var (start, end) in WritableRegions(pid))
            {
                foreach (var (runStart, runEnd) in ResidentRuns(pagemap, start, end))
                {
                    for (ulong at = runStart; at < runEnd; at += MaxChunk)
                    {
                        int len = (int)Math.Min(MaxChunk, runEnd - at);
                        bool inArena = arenaUsed + (nuint)len <= arenaSize;
                        nint chunk = inArena ? arena + (nint)arenaUsed : Allocate(len);
                        if (!inArena) owned.Add(chunk);
                        int read = ReadRemote(pid, at, Span(chunk, len));
                        if (read <= 0) continue;
                        if (inArena) arenaUsed += (nuint)((read + 7) & ~7);
                        starts.Add(at);
                        chunks.Add(chunk);
                        lengths.Add(read);
                        copied += read;
                    }
                }
            }
            done = true;
        }
        finally
        {
            DetachAll(stopped);
            if (!done)
            {
                live.Dispose();
                foreach (nint chunk in owned) Free(chunk);
            }
        }
        pause = sw.Elapsed;
        return new ProcessMemorySnapshot(pid, starts.ToArray(), chunks.ToArray(), lengths.ToArray(), owned.ToArray(), contexts, states, live)
        {
            Pause = pause,
            StopTime = stopTime,
            CopiedBytes = copied,
        };
    }

    /// <summary>Runs, before the process is stopped, every step that follows the stop on harmless arguments, so that
    /// the code is compiled and ClrMD's live reader set up while the process still runs: in a fresh <c>dotnet-pprof</c>
    /// process the first snapshot's pause was about 300 ms longer without this.</summary>
    private static void WarmUp(int pid, IDataReader live)
    {
        Span<byte> ctx = stackalloc byte[16];
        live.GetThreadContext(0, 0, ctx); // no thread 0: compiles the path, loads nothing that matters
        live.FlushCachedData(); // its thread list is then read at the first GetThreadContext, after the stop
        var regions = WritableRegions(pid);
        using (var pagemap = OpenPagemap(pid))
        {
            if (regions.Count > 0)
            {
                var (start, end) = regions[0];
                foreach (var _ in ResidentRuns(pagemap, start, Math.Min(end, start + (ulong)Environment.SystemPageSize))) { }
                nint probe = Allocate(8);
                ReadRemote(pid, start, Span(probe, 8));
                Free(probe);
            }
        }
        Ptrace(PtraceDetach, 0, 0, 0); // ESRCH
        int status = 0;
        WaitPid(int.MaxValue, ref status, WaitAll | WaitNoHang); // ECHILD
        WaitStopped(pid, new List<int>(), new Dictionary<int, int>());
    }

    /// <summary>Stops every thread of the process: each is seized (PTRACE_SEIZE, which sends no signal) and
    /// interrupted, all before waiting for any, so they stop together rather than one after the other; threads
    /// started meanwhile are caught by the next pass. A thread that stopped for a signal instead gets it back at
    /// detach. Records tid → signal to deliver.</summary>
    private static void StopAll(int pid, Dictionary<int, int> stopped)
    {
        int lastError = 0;
        for (int pass = 0; pass < 100; pass++)
        {
            var seized = new List<int>();
            foreach (uint t in Threads(pid))
            {
                int tid = (int)t;
                if (stopped.ContainsKey(tid)) continue;
                if (Ptrace(PtraceSeize, tid, 0, 0) != 0)
                {
                    lastError = Marshal.GetLastPInvokeError();
                    continue;
                }
                if (Ptrace(PtraceInterrupt, tid, 0, 0) != 0)
                {
                    lastError = Marshal.GetLastPInvokeError();
                    Ptrace(PtraceDetach, tid, 0, 0);
                    continue;
                }
                seized.Add(tid);
            }
            if (seized.Count == 0) break;
            WaitStopped(pid, seized, stopped);
        }
        if (stopped.Count == 0)
        {
            string why = lastError == 1 ? "operation not permitted (another user's process, or ptrace restricted: kernel.yama.ptrace_scope, no CAP_SYS_PTRACE)" : $"errno {lastError}";
            throw new ProfilerException($"cannot stop process {pid} with ptrace: {why}");
        }
    }

    /// <summary>Waits until every seized thread is in its ptrace stop. The stop is seen by <c>waitpid</c> or, when
    /// another thread of this process consumed the notification (the .NET runtime reaps its child processes with
    /// <c>waitpid</c> when SIGCHLD arrives, and a target this process started is its child), by the thread's state in
    /// <c>/proc</c> ('t', tracing stop). Never gives up on a thread: a seized thread must stop before it can be
    /// detached, and a thread in an uninterruptible wait stops when the wait ends.</summary>
    private static void WaitStopped(int pid, List<int> seized, Dictionary<int, int> stopped)
    {
        var pending = new List<int>(seized);
        while (pending.Count > 0)
        {
            for (int i = pending.Count - 1; i >= 0; i--)
            {
                int tid = pending[i], status = 0;
                int r = WaitPid(tid, ref status, WaitAll | WaitNoHang);
                if (r == tid)
                {
                    if ((status & 0xff) == 0x7f)
                    {
                        int sig = (status >> 8) & 0xff, ev = (status >> 16) & 0xff;
                        stopped[tid] = ev == PtraceEventStop ? 0 : sig;
                    }
                    pending.RemoveAt(i); // stopped, or exited
                    continue;
                }
                if (r < 0 && Marshal.GetLastPInvokeError() == EIntr) continue;
                char state = Internal.ProcStat.Fields($"/proc/{pid}/task/{tid}/stat") is [{ Length: > 0 } f, ..] ? f[0] : 'X';
                if (state == 't')
                {
                    stopped[tid] = 0;
                    pending.RemoveAt(i);
                }
                else if (state is 'X' or 'Z')
                {
                    pending.RemoveAt(i); // gone
                }
            }
            if (pending.Count > 0) Thread.Sleep(1);
        }
    }

    private static void DetachAll(Dictionary<int, int> stopped)
    {
        foreach (var (tid, sig) in stopped) Ptrace(PtraceDetach, tid, 0, sig);
    }

    private const int PtraceDetach = 17, PtraceSeize = 0x4206, PtraceInterrupt = 0x4207, PtraceEventStop = 128;
    private const int WaitAll = 0x40000000; // __WALL: wait for threads too
    private const int WaitNoHang = 1;
    private const int EIntr = 4;

    [LibraryImport("libc", EntryPoint = "ptrace", SetLastError = true)]
    private static partial nint Ptrace(nint request, int pid, nint address, nint data);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, ref int status, int options);

    private static IEnumerable<uint> Threads(int pid)
    {
        string[] dirs;
        try { dirs = Directory.GetDirectories($"/proc/{pid}/task"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (string d in dirs)
        {
            if (uint.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out uint tid)) yield return tid;
        }
    }

    /// <summary>The readable and writable mappings of the process (<c>/proc/PID/maps</c>), without the kernel's
    /// special ones.</summary>
    private static List<(ulong Start, ulong End)> WritableRegions(int pid)
    {
        var result = new List<(ulong, ulong)>();
        foreach (string line in File.ReadLines($"/proc/{pid}/maps"))
        {
            // start-end perms offset dev inode [path]
            var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 5 || parts[1].Length < 2 || parts[1][0] != 'r' || parts[1][1] != 'w') continue;
            if (parts.Length == 6 && parts[5].StartsWith("[v", StringComparison.Ordinal)) continue; // [vvar], [vsyscall]
            int dash = parts[0].IndexOf('-');
            if (dash < 0
                || !ulong.TryParse(parts[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start)
                || !ulong.TryParse(parts[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong end)
                || end <= start) continue;
            result.Add((start, end));
        }
        return result;
    }

    private static SafeFileHandle? OpenPagemap(int pid)
    {
        try { return File.OpenHandle($"/proc/{pid}/pagemap", FileMode.Open, FileAccess.Read); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The runs of pages of [start, end) that are in memory or swapped out (<c>/proc/PID/pagemap</c> bits 63
    /// and 62): pages never touched hold zeros or their file's bytes, read in place later if ever needed. Most of a
    /// thread's 8 MB stack, for one, is never touched. Without pagemap, the whole range.</summary>
    private static IEnumerable<(ulong Start, ulong End)> ResidentRuns(SafeFileHandle? pagemap, ulong start, ulong end)
    {
        if (pagemap == null)
        {
            yield return (start, end);
            yield break;
        }
        ulong pageSize = (ulong)Environment.SystemPageSize;
        var entries = new ulong[PagemapBatch];
        ulong runStart = 0;
        bool inRun = false;
        for (ulong page = start; page < end;)
        {
            int count = (int)Math.Min(PagemapBatch, (end - page) / pageSize);
            int bytes;
            try { bytes = RandomAccess.Read(pagemap, MemoryMarshal.AsBytes(entries.AsSpan(0, count)), (long)(page / pageSize * 8)); }
            catch (IOException) { bytes = 0; }
            if (bytes < 8)
            {
                // Unreadable pagemap: copy the rest of the range.
                if (!inRun) runStart = page;
                yield return (runStart, end);
                yield break;
            }
            int n = bytes / 8;
            for (int i = 0; i < n; i++, page += pageSize)
            {
                bool resident = (entries[i] & (3UL << 62)) != 0;
                if (resident && !inRun) { runStart = page; inRun = true; }
                else if (!resident && inRun) { yield return (runStart, page); inRun = false; }
            }
        }
        if (inRun) yield return (runStart, end);
    }

    private static unsafe int ReadRemote(int pid, ulong address, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var local = new IoVec { Base = (nint)p, Length = buffer.Length };
            var remote = new IoVec { Base = (nint)address, Length = buffer.Length };
            nint n = ProcessVmReadv(pid, &local, 1, &remote, 1, 0);
            return n < 0 ? 0 : (int)n;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public nint Base;
        public nint Length;
    }

    [LibraryImport("libc", EntryPoint = "process_vm_readv", SetLastError = true)]
    private static unsafe partial nint ProcessVmReadv(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

    public string DisplayName => $"snapshot of pid {ProcessId}";

    public bool IsThreadSafe => false;

    public OSPlatform TargetPlatform => OSPlatform.Linux;

    public Architecture Architecture => _live.DataReader.Architecture;

    public int ProcessId { get; }

    public int PointerSize => IntPtr.Size;

    public IEnumerable<ModuleInfo> EnumerateModules() => _live.DataReader.EnumerateModules();

    public bool GetThreadContext(uint threadID, uint contextFlags, Span<byte> context)
    {
        if (!_contexts.TryGetValue(threadID, out byte[]? saved)) return false;
        saved.AsSpan(0, Math.Min(saved.Length, context.Length)).CopyTo(context);
        return true;
    }

    public IEnumerable<uint> EnumerateOSThreadIds() => _contexts.Keys;

    public ulong GetThreadTeb(uint osThreadId) => 0;

    public void FlushCachedData() { }

    public int Read(ulong address, Span<byte> buffer)
    {
        int total = 0;
        while (!buffer.IsEmpty)
        {
            int i = Array.BinarySearch(_starts, address);
            if (i < 0) i = ~i - 1;
            int n;
            if (i >= 0 && address - _starts[i] < (ulong)_lengths[i])
            {
                int offset = (int)(address - _starts[i]);
                n = Math.Min(buffer.Length, _lengths[i] - offset);
                Span(_chunks[i] + offset, n).CopyTo(buffer);
            }
            else
            {
                // Not copied: not writable, so unchanged since the snapshot; read it in place (up to the next copy).
                int len = buffer.Length;
                if (i + 1 < _starts.Length && _starts[i + 1] - address < (ulong)len) len = (int)(_starts[i + 1] - address);
                n = _live.DataReader.Read(address, buffer[..len]);
            }
            if (n <= 0) break;
            total += n;
            address += (ulong)n;
            buffer = buffer[n..];
        }
        return total;
    }

    public bool Read<T>(ulong address, out T value) where T : unmanaged
    {
        Span<byte> bytes = stackalloc byte[Unsafe.SizeOf<T>()];
        if (Read(address, bytes) == bytes.Length)
        {
            value = MemoryMarshal.Read<T>(bytes);
            return true;
        }
        value = default;
        return false;
    }

    public T Read<T>(ulong address) where T : unmanaged => Read(address, out T value) ? value : default;

    public bool ReadPointer(ulong address, out ulong value)
    {
        bool ok = Read(address, out nuint v);
        value = v;
        return ok;
    }

    public ulong ReadPointer(ulong address) => ReadPointer(address, out ulong v) ? v : 0;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _live.Dispose();
        foreach (nint chunk in _owned) Free(chunk);
    }

    private static unsafe nint Allocate(int length) => (nint)NativeMemory.Alloc((nuint)length);

    private static unsafe nint AllocateTouched(nuint length)
    {
        void* p = NativeMemory.Alloc(length);
        NativeMemory.Clear(p, length);
        return (nint)p;
    }

    /// <summary>Bytes of the process's writable mappings that are resident or swapped (what a snapshot copies).</summary>
    private static long ResidentWritableBytes(int pid)
    {
        long total = 0;
        using var pagemap = OpenPagemap(pid);
        foreach (var (start, end) in WritableRegions(pid))
        {
            foreach (var (runStart, runEnd) in ResidentRuns(pagemap, start, end)) total += (long)(runEnd - runStart);
        }
        return total;
    }

    private static unsafe void Free(nint chunk) => NativeMemory.Free((void*)chunk);

    private static unsafe Span<byte> Span(nint at, int length) => new((void*)at, length);
}
