using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Pprof.Runtime.Internal;

/// <summary>Profiler labels: an <see cref="AsyncLocal{T}"/> that flows through async code, plus, per OS thread, the
/// history of label changes while a sampling profile runs, so that samples (which arrive later, with the OS thread id
/// and a timestamp) find the labels that were in effect when they were taken.</summary>
internal static partial class LabelTracker
{
    private static readonly AsyncLocal<KeyValuePair<string, string>[]?> s_current = new(OnChanged);
    private static readonly ConcurrentDictionary<int, ThreadLabels> s_threads = new();
    private static int s_recorders;

    [ThreadStatic]
    private static ThreadLabels? s_thread;

    /// <summary>The labels of the current execution context (sorted by key), or null.</summary>
    public static KeyValuePair<string, string>[]? Current
    {
        get => s_current.Value;
        set => s_current.Value = value is { Length: > 0 } ? value : null;
    }

    /// <summary>Starts keeping label history (one call per running sampling profile).</summary>
    public static void BeginRecording()
    {
        if (Interlocked.Increment(ref s_recorders) == 1)
        {
            long now = DateTime.UtcNow.Ticks;
            foreach (var t in s_threads.Values) t.Restart(now);
        }
    }

    /// <summary>Stops keeping label history when the last sampling profile ends.</summary>
    public static void EndRecording()
    {
        if (Interlocked.Decrement(ref s_recorders) == 0)
        {
            // Entries stay: each thread keeps its own entry (s_thread) for as long as it lives.
            foreach (var t in s_threads.Values) t.Restart(0);
        }
    }

    /// <summary>The labels that were in effect on OS thread <paramref name="tid"/> at <paramref name="utcTicks"/>.</summary>
    public static KeyValuePair<string, string>[]? LabelsAt(int tid, long utcTicks)
        => s_threads.TryGetValue(tid, out var t) ? t.At(utcTicks) : null;

    private static void OnChanged(AsyncLocalValueChangedArgs<KeyValuePair<string, string>[]?> args)
    {
        var t = s_thread;
        if (t == null)
        {
            if (args.CurrentValue == null) return;
            t = new ThreadLabels();
            s_thread = t;
            s_threads[CurrentOsThreadId()] = t;
        }
        t.Set(args.CurrentValue, Volatile.Read(ref s_recorders) > 0);
    }

    private static int CurrentOsThreadId()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return gettid();
            }
            catch (EntryPointNotFoundException)
            {
            }
        }
        return Environment.CurrentManagedThreadId;
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int gettid();

    /// <summary>One thread's current labels and, while recording, its recent changes.</summary>
    private sealed class ThreadLabels
    {
        private const int MaxHistory = 1 << 16;
        private readonly object _lock = new();
        private readonly List<(long Ticks, KeyValuePair<string, string>[]? Labels)> _history = new();

        public KeyValuePair<string, string>[]? Latest { get; private set; }

        public void Set(KeyValuePair<string, string>[]? labels, bool record)
        {
            lock (_lock)
            {
                Latest = labels;
                if (!record) return;
                if (_history.Count >= MaxHistory) _history.RemoveRange(0, MaxHistory / 2);
                _history.Add((DateTime.UtcNow.Ticks, labels));
            }
        }

        public void Restart(long ticks)
        {
            lock (_lock)
            {
                _history.Clear();
                if (ticks != 0) _history.Add((ticks, Latest));
            }
        }

        public KeyValuePair<string, string>[]? At(long ticks)
        {
            lock (_lock)
            {
                if (_history.Count == 0) return Latest;
                int lo = 0, hi = _history.Count - 1, found = -1;
                while (lo <= hi)
                {
                    int mid = (lo + hi) >> 1;
                    if (_history[mid].Ticks <= ticks) { found = mid; lo = mid + 1; }
                    else hi = mid - 1;
                }
                return found >= 0 ? _history[found].Labels : _history[0].Labels;
            }
        }
    }
}
