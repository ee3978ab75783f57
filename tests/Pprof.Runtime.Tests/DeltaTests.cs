using Pprof.Profiles;

namespace Pprof.Runtime.Tests;

/// <summary><see cref="NamedProfile.CollectDeltaAsync"/>, the delta profile that the endpoints' <c>?seconds=N</c>
/// serves: the second snapshot minus the first, timed between them, cancellable. (The endpoint tests cover the
/// background profiles, on and off.)</summary>
[Collection("runtime")]
public sealed class DeltaTests
{
    /// <summary>A profile whose one sample is <see cref="Value"/>; it reports its first snapshot.</summary>
    private sealed class Gauge : NamedProfile
    {
        public Gauge() : base("gauge") { }

        public long Value { get; set; }

        public TaskCompletionSource FirstBuild { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Profile Build(CancellationToken cancellationToken = default)
        {
            var fn = new Function { Id = 1, Name = "Gauge.Level" };
            var p = new Profile
            {
                SampleTypes = new List<ProfileValueType> { new("level", "count") },
                PeriodType = new ProfileValueType("level", "count"),
                Period = 1,
            };
            p.Functions.Add(fn);
            var loc = new Location { Id = 1, Lines = new[] { new Line(fn, 1) } };
            p.Locations.Add(loc);
            p.Samples.Add(new Sample(new[] { loc }, new[] { Value }));
            FirstBuild.TrySetResult();
            return p;
        }
    }

    [Fact]
    public async Task DeltaIsTheChangeBetweenTwoSnapshots()
    {
        var gauge = new Gauge { Value = 5 };
        var delta = gauge.CollectDeltaAsync(TimeSpan.FromSeconds(1));
        await gauge.FirstBuild.Task.WaitAsync(TimeSpan.FromSeconds(30));
        gauge.Value = 12;
        var p = await delta.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(7, p.Samples.Sum(s => s.Values[0]));
        Assert.InRange(p.DurationNanos, 1_000_000_000L, 60_000_000_000L);
        long now = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        Assert.InRange(p.TimeNanos, now - 60_000_000_000L, now);
    }

    [Fact]
    public async Task CancellationStopsTheWait()
    {
        var gauge = new Gauge();
        using var cts = new CancellationTokenSource();
        var delta = gauge.CollectDeltaAsync(TimeSpan.FromMinutes(10), cts.Token);
        await gauge.FirstBuild.Task.WaitAsync(TimeSpan.FromSeconds(30));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delta.WaitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => gauge.CollectDeltaAsync(TimeSpan.Zero));
    }
}
