using System.Collections.Concurrent;

namespace Pprof.Cli.Tests;

/// <summary>Runs every case of the conformance pack through the CLI and compares stdout and exit status with what
/// <c>go tool pprof</c> 1.19 printed.</summary>
public sealed class ConformanceTests
{
    [Fact]
    public void EveryCaseMatchesGoPprof()
    {
        var cases = File.ReadAllLines(Path.Combine(ConformancePack.Dir, "cases.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('|', 2))
            .ToList();
        Assert.True(cases.Count >= 100, $"only {cases.Count} cases found");
        var failures = new ConcurrentBag<string>();
        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount) }, c =>
        {
            string name = c[0], args = c[1];
            var r = CliRunner.Run(args, ConformancePack.Dir);
            byte[] expected = File.ReadAllBytes(Path.Combine(ConformancePack.Dir, "expected", name + ".out"));
            int expectedRc = int.Parse(File.ReadAllText(Path.Combine(ConformancePack.Dir, "expected", name + ".rc")).Trim());
            int rc = r.ExitCode == 0 ? 0 : 1;
            if (rc != expectedRc) failures.Add($"{name}: exit status {rc}, want {expectedRc} ({FirstLine(r.Stderr)})");
            else if (!r.Stdout.AsSpan().SequenceEqual(expected)) failures.Add($"{name}: stdout differs");
            if (r.Stderr.Contains("   at ", StringComparison.Ordinal)) failures.Add($"{name}: stack trace on stderr");
        });
        var sorted = failures.OrderBy(f => f, StringComparer.Ordinal).ToList();
        Assert.True(sorted.Count == 0, $"{sorted.Count} of {cases.Count} conformance cases failed:\n" + string.Join("\n", sorted));
    }

    private static string FirstLine(string s)
    {
        int nl = s.IndexOf('\n');
        return nl >= 0 ? s[..nl] : s;
    }
}
