using Pprof.Profiles;
using Pprof.Runtime.Collectors;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime;

/// <summary>The in-process profiler, shaped like Go's runtime/pprof: start and stop a CPU profile into a stream, write
/// named profiles (allocs, mutex, block, threadcreate, exceptions and custom ones), switch profiles on and off while
/// running, and attach profiler labels that flow through async code and show up on cpu and wall samples.</summary>
public static class Profiler
{
    private static readonly object s_cpuLock = new();
    private static CpuRun? s_cpu;
    private static readonly Dictionary<string, NamedProfile> s_profiles = new(StringComparer.Ordinal);

    static Profiler()
    {
        foreach (var (kind, how) in new[]
        {
            (ProfileKind.Allocs, "call Profiler.SetAllocationSampling(true)"),
            (ProfileKind.Mutex, "call Profiler.SetMutexProfileFraction(1)"),
            (ProfileKind.Block, "call Profiler.SetBlockProfileRate(1)"),
            (ProfileKind.ThreadCreate, "call Profiler.SetThreadCreateProfiling(true)"),
            (ProfileKind.Exceptions, "call Profiler.SetExceptionProfiling(true)"),
        })
        {
            var p = new BackgroundProfile(kind, how);
            s_profiles[p.Name] = p;
        }
        var heap = new BackgroundProfile(ProfileKind.Heap, "call Profiler.SetHeapProfiling(true), or set PPROF_HEAP_PROFILING=1 (off by default for its cost, see docs/heap.md)");
        s_profiles[heap.Name] = heap;
        s_profiles["retention"] = new Heap.HeapNamedProfile();
        s_profiles["goroutine"] = new Goroutine.GoroutineNamedProfile();
        HeapProfilingDefault.Start();
    }

    /// <summary>Starts a CPU profile of this process that <see cref="StopCpuProfile"/> writes to
    /// <paramref name="output"/>. Throws <see cref="ProfilerException"/> "cpu profiling already in use" when one runs.</summary>
    public static void StartCpuProfile(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (s_cpuLock)
        {
            if (s_cpu != null) throw new ProfilerException("cpu profiling already in use");
            var reservation = SessionCollection.ReserveCpu(Environment.ProcessId);
            try
            {
                var collector = new OnCpu.CpuCollector();
                LabelTracker.BeginRecording();
                try
                {
                    var session = EventSession.Start(Environment.ProcessId, new EventCollector[] { collector });
                    s_cpu = new CpuRun(output, collector, session, reservation, DateTime.UtcNow);
                }
                catch
                {
                    LabelTracker.EndRecording();
                    throw;
                }
            }
            catch
            {
                reservation.Dispose();
                throw;
            }
        }
    }

    /// <summary>Stops the CPU profile and writes it (gzipped profile.proto) to the stream given to
    /// <see cref="StartCpuProfile"/>. Does nothing when no CPU profile runs. Never hangs: the session's stop is bounded.</summary>
    public static void StopCpuProfile()
    {
        CpuRun? run;
        lock (s_cpuLock)
        {
            run = s_cpu;
            s_cpu = null;
        }
        if (run == null) return;
        try
        {
            var notes = run.Session.Stop(SessionCollection.StopTimeout);
            var comments = new List<string> { $"dotnet-pprof cpu profile of pid {Environment.ProcessId}" };
            comments.AddRange(notes);
            run.Collector.Snapshot(run.Start, DateTime.UtcNow - run.Start, comments).Write(run.Output);
        }
        finally
        {
            LabelTracker.EndRecording();
            run.Reservation.Dispose();
        }
    }

    /// <summary>Sets the rate of the CPU profiles started from now on (by <see cref="StartCpuProfile"/>, by
    /// <see cref="CollectAsync"/> and by <see cref="RuntimeProfiles"/> on other processes), in samples per second of
    /// each thread's CPU time: 100 by default, as in Go; 1 to 1000. A profile already running keeps its rate. On-CPU
    /// sampling only: the estimate used where Linux does not allow it samples at the runtime's own rate.</summary>
    public static void SetCpuProfileRate(int hz) => OnCpu.CpuCollector.Rate = hz;

    /// <summary>Collects a profile of this process over <paramref name="duration"/> (see
    /// <see cref="RuntimeProfiles.CollectAsync(int, ProfileKind, TimeSpan, CancellationToken)"/>).</summary>
    public static Task<Profile> CollectAsync(ProfileKind kind, TimeSpan duration, CancellationToken cancellationToken = default)
        => RuntimeProfiles.CollectAsync(Environment.ProcessId, kind, duration, cancellationToken);

    /// <summary>The named profile, or null: heap (off by default), allocs, mutex, block, threadcreate, exceptions,
    /// retention, goroutine, or one made with
    /// <see cref="NewProfile"/>.</summary>
    public static NamedProfile? Lookup(string name)
    {
        lock (s_profiles) return s_profiles.GetValueOrDefault(name);
    }

    /// <summary>All named profiles, sorted by name.</summary>
    public static IReadOnlyList<NamedProfile> Profiles()
    {
        lock (s_profiles) return s_profiles.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Creates a custom profile. Throws when the name is taken, as Go does.</summary>
    public static CustomProfile NewProfile(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (s_profiles)
        {
            if (s_profiles.ContainsKey(name)) throw new InvalidOperationException($"pprof: NewProfile name already in use: {name}");
            var p = new CustomProfile(name);
            s_profiles.Add(name, p);
            return p;
        }
    }

    /// <summary>Removes a custom profile so its name can be reused; built-in profiles cannot be removed.</summary>
    public static bool RemoveProfile(string name)
    {
        lock (s_profiles) return s_profiles.TryGetValue(name, out var p) && p is CustomProfile && s_profiles.Remove(name);
    }

    /// <summary>Adds a named profile (for profile kinds provided by other packages). Replaces one of the same name.</summary>
    internal static void Register(NamedProfile profile)
    {
        lock (s_profiles) s_profiles[profile.Name] = profile;
    }

    /// <summary>Sets profiler labels (key, value, key, value, ...) on the current execution context until the result is
    /// disposed; they flow into async continuations and tasks started inside, and label cpu and wall samples.</summary>
    public static IDisposable Labels(params string[] keyValuePairs)
    {
        var previous = LabelTracker.Current;
        LabelTracker.Current = Merge(previous, keyValuePairs);
        return new LabelScope(previous);
    }

    /// <summary>Runs <paramref name="action"/> with the labels added (Go's <c>pprof.Do</c>).</summary>
    public static void Do(string[] keyValuePairs, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using (Labels(keyValuePairs)) action();
    }

    /// <summary>Runs the asynchronous <paramref name="action"/> with the labels added; they flow through its awaits.</summary>
    public static async Task DoAsync(string[] keyValuePairs, Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using (Labels(keyValuePairs)) await action().ConfigureAwait(false);
    }

    /// <summary>The labels of the current execution context.</summary>
    public static IReadOnlyDictionary<string, string> CurrentLabels
        => LabelTracker.Current?.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal) ?? new Dictionary<string, string>();

    /// <summary>Switches the mutex profile: 0 off (the default, as in Go), n &gt; 0 records one lock contention in n.</summary>
    public static void SetMutexProfileFraction(int rate)
        => BackgroundProfiling.Set(ProfileKind.Mutex, rate > 0, c => ((DelayCollector)c).Rate = Math.Max(1, rate));

    /// <summary>Switches the block profile: 0 off (the default, as in Go), any n &gt; 0 on. The block profile comes from
    /// the thread sampler (about one sample per millisecond per thread), so n does not change its resolution.</summary>
    public static void SetBlockProfileRate(int rate) => BackgroundProfiling.Set(ProfileKind.Block, rate > 0);

    /// <summary>Switches the allocs profile (the runtime's allocation sampling, one sample per 100 KiB on average).</summary>
    public static void SetAllocationSampling(bool enabled) => BackgroundProfiling.Set(ProfileKind.Allocs, enabled);

    /// <summary>Switches the heap profile: allocation sampling (as for allocs) plus following each sampled object
    /// through the garbage collections until it dies. Off by default (unlike Go's <c>runtime.MemProfileRate</c>): its
    /// cost grows with the allocation rate, about 50 % of a core per GB/s allocated (docs/heap.md). The
    /// <c>PPROF_HEAP_PROFILING</c> environment variable at <c>1</c> or the <c>Pprof.Runtime.HeapProfiling</c> AppContext
    /// switch (runtimeconfig) at true switch it on in the background when <see cref="Profiler"/> is first used, unless
    /// this was called before. Switched off, the profile keeps what it recorded.</summary>
    public static void SetHeapProfiling(bool enabled) => HeapProfilingDefault.Set(enabled);

    /// <summary>Switches the threadcreate profile.</summary>
    public static void SetThreadCreateProfiling(bool enabled) => BackgroundProfiling.Set(ProfileKind.ThreadCreate, enabled);

    /// <summary>Switches the exceptions profile.</summary>
    public static void SetExceptionProfiling(bool enabled) => BackgroundProfiling.Set(ProfileKind.Exceptions, enabled);

    /// <summary>Sets every background profile (heap, allocs, mutex, block, threadcreate, exceptions) to
    /// <paramref name="profiles"/> with at most one restart of the background session, for example
    /// <c>Profiler.SetAlwaysOnProfiles(AlwaysOnProfiles.Recommended)</c> at start-up. Kinds switched off keep what they
    /// recorded, as with the single setters.</summary>
    public static void SetAlwaysOnProfiles(AlwaysOnProfiles profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        HeapProfilingDefault.Choose(() => BackgroundProfiling.SetMany(profiles.Changes()));
    }

    /// <summary>Switches on the background profiles that <paramref name="profiles"/> switches on, with at most one
    /// restart of the background session, and leaves every other one as it is: unlike
    /// <see cref="SetAlwaysOnProfiles"/> it never switches a profile off, so that defaults applied at start-up (as
    /// <c>AddPprof</c> does) cannot undo what the application switched on itself. A mutex fraction given here replaces
    /// the current one.</summary>
    public static void EnableAlwaysOnProfiles(AlwaysOnProfiles profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var on = profiles.Changes().Where(c => c.On).ToArray();
        if (on.Length > 0) HeapProfilingDefault.Choose(() => BackgroundProfiling.SetMany(on));
    }

    /// <summary>Writes an execution trace of this process in the .nettrace format (the provider set of docs/trace.md;
    /// <c>dotnet-pprof trace</c>, PerfView and TraceEvent read it) to <paramref name="output"/> for <paramref name="duration"/>, or until
    /// <paramref name="cancellationToken"/> is cancelled: the stream is copied as it arrives and ends with a rundown
    /// naming every jitted method. One trace at a time: a second one throws <see cref="ProfilerException"/> "tracing is
    /// already enabled", before anything is written. Throws <see cref="IOException"/> when writing to
    /// <paramref name="output"/> fails (the session is still ended properly).</summary>
    public static Task WriteTraceAsync(Stream output, TimeSpan duration, CancellationToken cancellationToken = default)
        => NetTraceSession.WriteAsync(output, duration, null, cancellationToken);

    /// <summary>Starts an execution trace of this process written to <paramref name="output"/> (the .nettrace format,
    /// with the provider set of docs/trace.md; read it with <c>dotnet-pprof trace</c>) until <see cref="StopTrace"/>,
    /// the counterpart of Go's <c>trace.Start</c>. Returns once the session runs. One trace at a time: throws
    /// <see cref="ProfilerException"/> "tracing is already enabled" when one runs.</summary>
    public static void StartTrace(Stream output) => NetTraceSession.Start(output);

    /// <summary>Stops the trace <see cref="StartTrace"/> began and returns once its stream is complete (the rundown that
    /// names the jitted methods is written). Throws <see cref="InvalidOperationException"/> when no trace was started,
    /// <see cref="IOException"/> when writing to the output failed.</summary>
    public static void StopTrace() => NetTraceSession.Stop();

    private static KeyValuePair<string, string>[] Merge(KeyValuePair<string, string>[]? previous, string[] keyValuePairs)
    {
        ArgumentNullException.ThrowIfNull(keyValuePairs);
        if (keyValuePairs.Length % 2 != 0) throw new ArgumentException("labels come in key, value pairs", nameof(keyValuePairs));
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (previous != null) foreach (var kv in previous) d[kv.Key] = kv.Value;
        for (int i = 0; i < keyValuePairs.Length; i += 2) d[keyValuePairs[i]] = keyValuePairs[i + 1];
        return d.ToArray();
    }

    private sealed record CpuRun(Stream Output, EventCollector Collector, EventSession Session, IDisposable Reservation, DateTime Start);

    private sealed class LabelScope : IDisposable
    {
        private readonly KeyValuePair<string, string>[]? _previous;
        private bool _disposed;

        public LabelScope(KeyValuePair<string, string>[]? previous) => _previous = previous;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            LabelTracker.Current = _previous;
        }
    }

    private sealed class BackgroundProfile : NamedProfile
    {
        private readonly ProfileKind _kind;
        private readonly string _howToEnable;

        public BackgroundProfile(ProfileKind kind, string howToEnable) : base(ProfileKinds.NameOf(kind))
        {
            _kind = kind;
            _howToEnable = howToEnable;
        }

        public override Profile Build(CancellationToken cancellationToken = default)
        {
            // The heap profile's default start runs in the background: say why it is off when it could not start.
            string how = _kind == ProfileKind.Heap && HeapProfilingDefault.Failure is { } failure
                ? $"it could not start ({failure}); {_howToEnable}"
                : _howToEnable;
            return BackgroundProfiling.Snapshot(_kind, how, cancellationToken);
        }

        /// <summary>The heap profile's debug form is Go's legacy heap text with the <c># runtime.MemStats</c> trailer.</summary>
        public override void WriteTo(Stream output, int debug = 0, CancellationToken cancellationToken = default)
        {
            if (_kind != ProfileKind.Heap || debug <= 0)
            {
                base.WriteTo(output, debug, cancellationToken);
                return;
            }
            ArgumentNullException.ThrowIfNull(output);
            LegacyHeapText.Write(Build(cancellationToken), output, MemStats.MemStatsReader.ReadCurrent());
        }

        /// <summary>Switched on: the difference of two snapshots; off: a session of its own for the duration.</summary>
        public override async Task<Profile> CollectDeltaAsync(TimeSpan duration, CancellationToken cancellationToken = default)
        {
            if (BackgroundProfiling.IsEnabled(_kind)) return await base.CollectDeltaAsync(duration, cancellationToken).ConfigureAwait(false);
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
            var profile = await CollectAsync(_kind, duration, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return profile;
        }
    }
}
