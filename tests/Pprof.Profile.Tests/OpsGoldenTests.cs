namespace Pprof.Profiles.Tests;

/// <summary>Runs every script of <c>OpsGolden/scenarios.txt</c> and compares the output with the golden file Go 1.19's
/// profile package produced for the same script (merge, filters, pruning, aggregation, scaling, labels, indexes).</summary>
public class OpsGoldenTests
{
    public static IEnumerable<object[]> Scenarios()
    {
        foreach (var line in File.ReadAllLines(Path.Combine(OpsScript.GoldenDir(), "scenarios.txt")))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int bar = line.IndexOf('|');
            yield return new object[] { line.Substring(0, bar), line.Substring(bar + 1) };
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void MatchesGoPprof(string name, string script)
    {
        string dir = OpsScript.GoldenDir();
        string expected = File.ReadAllText(Path.Combine(dir, name + ".txt"));
        string actual = OpsScript.Run(script, dir);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void EveryScenarioHasAGoldenFile()
    {
        var names = Scenarios().Select(s => (string)s[0]).ToList();
        Assert.True(names.Count >= 80, $"only {names.Count} scenarios");
        foreach (var n in names) Assert.True(File.Exists(Path.Combine(OpsScript.GoldenDir(), n + ".txt")), n);
    }
}
