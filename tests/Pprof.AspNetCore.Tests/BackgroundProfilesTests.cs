using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pprof.AspNetCore.Internal;
using Pprof.Runtime;
using Pprof.Runtime.Internal;

namespace Pprof.AspNetCore.Tests;

/// <summary>The always-on profiles chosen in the options are switched on at start and served as snapshots.</summary>
public sealed class BackgroundProfilesTests
{
    [Fact]
    public async Task ExceptionProfilingSwitchedOnAtStartIsServed()
    {
        Assert.False(BackgroundProfiling.IsEnabled(ProfileKind.Exceptions), "another test left exception profiling on");
        try
        {
            await using var app = await TestApp.StartAsync(o => o.ExceptionProfiling = true);
            var service = app.App.Services.GetServices<IHostedService>().OfType<BackgroundProfilesService>().Single();
            await service.Started.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(BackgroundProfiling.IsEnabled(ProfileKind.Exceptions));
            Assert.False(BackgroundProfiling.IsEnabled(ProfileKind.Allocs));

            using var r = await app.Client.GetAsync("/debug/pprof/exceptions");
            var p = await Http.AssertProfile(r, "exceptions");
            Assert.Equal("exceptions", p.SampleTypes[^1].Type);
            Assert.DoesNotContain(p.Comments, c => c.Contains("profiling is off", StringComparison.Ordinal));

            // With the profile on, seconds=N is the difference of two snapshots.
            using var delta = await app.Client.GetAsync("/debug/pprof/exceptions?seconds=0.5");
            var d = await Http.AssertProfile(delta, "exceptions-delta");
            Assert.InRange(d.DurationNanos, 400_000_000L, 30_000_000_000L);
        }
        finally
        {
            Profiler.SetExceptionProfiling(false);
        }
    }
}
