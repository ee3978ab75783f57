using Pprof.Profiles;
using Xunit;

namespace Pprof.Runtime.Tests;

/// <summary>Several event kinds from one session of another process (the public API a continuous profiler or a
/// benchmark uses), and the provider list that session enables.</summary>
[Collection("runtime")]
public class SessionSetTests
{
    [Fact]
    public async Task SeveralKindsFromOneSessionOfAnotherProcess()
    {
        using var target = FaultTests.StartTarget("60 cpu alloc exceptions");
        try
        {
            var profiles = await RuntimeProfiles.CollectAsync(target.Id, new[] { "cpu", "allocs", "exceptions" }, TimeSpan.FromSeconds(3), null);
            Assert.Equal(3, profiles.Count);
            Assert.Equal("cpu", profiles[0].SampleTypes[^1].Type);
            Assert.Contains(profiles[1].SampleTypes, t => t.Type == "alloc_space");
            Assert.Contains(profiles[2].SampleTypes, t => t.Unit == "count");
            // Each profile holds what its kind saw in the target during the window.
            Assert.True(profiles[0].Samples.Sum(s => s.Values[^1]) > 0, "no cpu samples");
            Assert.True(profiles[1].Samples.Sum(s => s.Values[^1]) > 0, "no allocation samples");
            Assert.True(profiles[2].Samples.Sum(s => s.Values[0]) > 0, "no exceptions");
        }
        finally
        {
            target.Kill();
        }
    }

    [Fact]
    public void ProvidersAreDescribedInDotnetTraceSyntaxAndSnapshotKindsRefused()
    {
        string providers = RuntimeProfiles.DescribeProviders(new[] { "wall", "allocs" }); // cpu is on-CPU (perf_event), without the sample profiler
        Assert.Matches("^Microsoft-Windows-DotNETRuntime:0x[0-9a-f]+:[0-9]+,Microsoft-DotNETCore-SampleProfiler:0x[0-9a-f]+:[0-9]+$", providers);
        Assert.Throws<ArgumentException>(() => RuntimeProfiles.DescribeProviders(new[] { "retention" }));
        Assert.Equal(102400, RuntimeProfiles.AllocationSamplingMeanBytes);
        Assert.True(RuntimeProfiles.AllocationSampleScale(100) > 1000 && RuntimeProfiles.AllocationSampleScale(1 << 30) < 1.0001);
    }
}
