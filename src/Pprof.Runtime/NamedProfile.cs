using Pprof.Profiles;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime;

/// <summary>A profile that can be written at any time, looked up by name with <see cref="Profiler.Lookup"/>
/// (like Go's <c>pprof.Lookup(name).WriteTo(w, debug)</c>).</summary>
public abstract class NamedProfile
{
    /// <summary>Creates a named profile.</summary>
    protected NamedProfile(string name) => Name = name;

    /// <summary>The profile's name.</summary>
    public string Name { get; }

    /// <summary>Builds the profile as it stands now. Snapshots that take a while (retention, goroutine) stop with
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.</summary>
    public abstract Profile Build(CancellationToken cancellationToken = default);

    /// <summary>Writes the profile: <paramref name="debug"/> 0 writes gzipped profile.proto, 1 or more readable text.</summary>
    public virtual void WriteTo(Stream output, int debug = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var p = Build(cancellationToken);
        if (debug <= 0) p.Write(output);
        else TextProfileWriter.Write(p, Name, output);
    }

    /// <summary>What changed over <paramref name="duration"/> (Go's <c>?seconds=N</c> delta profile): a snapshot now,
    /// another one <paramref name="duration"/> later, and their difference, with <see cref="Profile.TimeNanos"/> at the
    /// second snapshot and <see cref="Profile.DurationNanos"/> the time between them. A background profile
    /// (allocs, mutex, block, threadcreate, exceptions) that is off is instead collected for
    /// <paramref name="duration"/> by a session of its own. Throws <see cref="OperationCanceledException"/> when
    /// cancelled and <see cref="ProfilerException"/> when a snapshot fails or the two cannot be subtracted.</summary>
    public virtual async Task<Profile> CollectDeltaAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var window = System.Diagnostics.Stopwatch.StartNew();
        var before = await Task.Run(() => Build(cancellationToken), cancellationToken).ConfigureAwait(false);
        // Timers count whole milliseconds and can end a wait a fraction of one early: wait until the clock agrees.
        for (var left = duration - window.Elapsed; left > TimeSpan.Zero; left = duration - window.Elapsed)
            await Task.Delay(left + TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
        long elapsed = window.Elapsed.Ticks * 100;
        long t1 = UnixNanos();
        var after = await Task.Run(() => Build(cancellationToken), cancellationToken).ConfigureAwait(false);
        before.Scale(-1);
        Profile delta;
        try
        {
            delta = Profile.Merge(new[] { before, after });
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or ProfileFormatException)
        {
            throw new ProfilerException($"failed to compute delta: {e.Message}", e);
        }
        delta.TimeNanos = t1;
        delta.DurationNanos = elapsed;
        return delta;
    }

    private static long UnixNanos() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
}
