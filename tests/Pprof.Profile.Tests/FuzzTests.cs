using Pprof.Profiles.Fuzzing;

namespace Pprof.Profiles.Tests;

/// <summary>Property: whatever the input, <see cref="Profile.Parse(byte[], ParseOptions?)"/> returns a valid profile
/// or throws <see cref="ProfileFormatException"/>, within a bounded time.</summary>
public class FuzzTests
{
    private const int Iterations = 2500;
    // Generous: the machine may be loaded; a hang never finishes, while a normal input takes milliseconds.
    private static readonly TimeSpan s_perInput = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MutatedFixturesParseOrFailCleanly()
    {
        var seeds = FuzzMutator.LoadSeeds(LegacyParserTests.ProfilesDir);
        Assert.True(seeds.Count >= 20, "fixtures missing");
        var mutator = new FuzzMutator(seeds, seed: 20261122);
        int parsed = 0;
        for (int i = 0; i < Iterations; i++)
        {
            var input = mutator.Next();
            var task = Task.Run(() => FuzzMutator.Check(input));
            if (await Task.WhenAny(task, Task.Delay(s_perInput)) != task)
                Assert.Fail($"input {i} took longer than {s_perInput.TotalSeconds}s: {Convert.ToBase64String(input)}");
            if (await task is { } problem)
                Assert.Fail($"input {i}: {problem}\ninput: {Convert.ToBase64String(input)}");
            parsed++;
        }
        Assert.Equal(Iterations, parsed);
    }

    [Fact]
    public void HugeCountsInHeadersDoNotAllocate()
    {
        // A header and sample lines claiming billions of entries must be judged by the bytes present.
        var inputs = new[]
        {
            "heap profile: 4000000000: 4000000000 [4000000000: 4000000000] @ heap/1048576\n1: 1 [1: 1] @ 0x1\n",
            "goroutine profile: total 9999999999999\n9999999999 @ 0x1\n",
            "--- contentionz 1 ---\nsampling period = 9223372036854775807\n9223372036854775807 9223372036854775807 @ 0x1\n",
        };
        foreach (var s in inputs)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                Profile.Parse(System.Text.Encoding.ASCII.GetBytes(s));
            }
            catch (ProfileFormatException)
            {
            }
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 50_000_000, s);
        }
    }
}
