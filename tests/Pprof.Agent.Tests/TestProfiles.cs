using Pprof.Profiles;

namespace Pprof.Agent.Tests;

/// <summary>Small profiles and batches for the client tests.</summary>
internal static class TestProfiles
{
    public static Profile Make(string sampleType, string unit, string periodType, string periodUnit, long value, string function = "MyApp.Hot")
    {
        var f = new Function { Id = 1, Name = function, SystemName = function, Filename = "Hot.cs", StartLine = 10 };
        var loc = new Location { Id = 1, Lines = new[] { new Line(f, 12) } };
        return new Profile
        {
            SampleTypes = { new ProfileValueType("samples", "count"), new ProfileValueType(sampleType, unit) },
            DefaultSampleType = sampleType,
            PeriodType = new ProfileValueType(periodType, periodUnit),
            Period = 1,
            Functions = { f },
            Locations = { loc },
            Samples = { new Sample(new[] { loc }, new[] { 1L, value }) },
            TimeNanos = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100,
            DurationNanos = 15_000_000_000,
        };
    }

    public static ProfileBatch Batch(DateTime start, params string[] types)
    {
        var profiles = types.Select(t => new BatchProfile(t, t switch
        {
            "cpu" => Make("cpu", "nanoseconds", "cpu", "nanoseconds", 10_000_000),
            "allocs" => Make("alloc_space", "bytes", "space", "bytes", 1 << 20),
            "mutex" or "block" => Make("delay", "nanoseconds", "contentions", "count", 5_000),
            _ => Make(t, "count", t, "count", 3),
        })).ToArray();
        var labels = new Dictionary<string, string> { ["host"] = "web-1", ["pid"] = "4242", ["version"] = "1.2.3", ["region"] = "eu,west" };
        return new ProfileBatch("shop", 4242, labels, start, TimeSpan.FromSeconds(15), profiles, new Dictionary<string, double> { ["rss_bytes"] = 1e8 });
    }
}
