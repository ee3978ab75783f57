namespace Pprof.Demo.Tests;

/// <summary>How the demo reads <c>-top</c> output and decides whether a fault shows (outputs taken from real runs).</summary>
public sealed class FindingTests
{
    private const string CpuTop = """
        File: [dotnet]
        Type: cpu
        Duration: 5.23s, Total samples = 2072.25ms (39.61%)
        Showing nodes accounting for 2030.46ms, 97.98% of 2072.25ms total
              flat  flat%   sum%        cum   cum%
         1084.99ms 52.36% 52.36%  1085.47ms 52.38%  System.Threading.LowLevelSpinWaiter.Wait
          496.95ms 23.98% 76.34%   496.95ms 23.98%  Pprof.Demo.Shop.Pricing.PriceCalculator.ComputeLoyaltyDiscountRate
          249.25ms 12.03% 88.37%  2049.99ms 98.93%  System.Threading.PortableThreadPool.WorkerThread.WorkerThreadStart
           66.15ms  3.19% 91.56%    69.50ms  3.35%  System.Threading.SpinWait.SpinOnceCore
                 0     0% 97.98%   686.57ms 33.13%  Microsoft.AspNetCore.HostFiltering.HostFilteringMiddleware.Invoke
        """;

    private const string HeapDiffTop = """
        File: [heap]
        Type: inuse_space
        Showing nodes accounting for 7738376B, 74.63% of 10368824B total
              flat  flat%   sum%        cum   cum%
           4268016B 41.16% 41.16%   4268016B 41.16%  System.String
          -659640B  6.36% 34.80%   -659640B  6.36%  System.Threading.TimerQueue[]
           461448B  4.45% 39.25%   1391712B 13.42%  [type 0x7f79d0fad1b8][]
                 0     0% 74.63%    780396B  7.53%  static Pprof.Demo.Shop.Catalog.RecommendationCache.s_byVisitorAndProduct
        """;

    [Fact]
    public void ParsesHeaderAndRows()
    {
        var report = TopReport.Parse(CpuTop);
        Assert.Equal(5, report.Rows.Count);
        Assert.Equal("flat  flat%   sum%        cum   cum%", report.Header[^1].Trim());
        Assert.Equal(5, report.Header.Count);
        var row = report.Rows[1];
        Assert.Equal("496.95ms", row.Flat);
        Assert.Equal(23.98, row.FlatPercent);
        Assert.Equal("496.95ms", row.Cum);
        Assert.Equal("Pprof.Demo.Shop.Pricing.PriceCalculator.ComputeLoyaltyDiscountRate", row.Name);
        Assert.Equal("0", report.Rows[4].Flat);
        Assert.Equal(33.13, report.Rows[4].CumPercent);
    }

    [Fact]
    public void ParsesDiffRowsWithNegativeValuesAndSpacesInNames()
    {
        var report = TopReport.Parse(HeapDiffTop);
        Assert.Equal(4, report.Rows.Count);
        Assert.Equal("-659640B", report.Rows[1].Flat);
        Assert.Equal("[type 0x7f79d0fad1b8][]", report.Rows[2].Name);
        Assert.Equal("static Pprof.Demo.Shop.Catalog.RecommendationCache.s_byVisitorAndProduct", report.Rows[3].Name);
        Assert.Equal("780396B", report.Rows[3].Cum);
    }

    [Fact]
    public void HotMethodMustBeAmongTheFirstRows()
    {
        var (found, sentence, rank) = DemoRunner.Cpu.Check(TopReport.Parse(CpuTop));
        Assert.True(found, sentence);
        Assert.Equal(2, rank);
        Assert.StartsWith("The hot method is Pprof.Demo.Shop.Pricing.PriceCalculator.ComputeLoyaltyDiscountRate: 496.95ms (23.98% of the CPU time)", sentence);

        var strict = DemoRunner.Cpu with { MaxRank = 1 };
        (found, sentence, rank) = strict.Check(TopReport.Parse(CpuTop));
        Assert.False(found);
        Assert.Equal(2, rank);
        Assert.Contains("not among the first 1", sentence);
    }

    [Fact]
    public void MissingFunctionIsReportedAsMissing()
    {
        var (found, sentence, rank) = DemoRunner.Lock.Check(TopReport.Parse(CpuTop));
        Assert.False(found);
        Assert.Equal(0, rank);
        Assert.Equal("Pprof.Demo.Shop.Inventory.InventoryStore.Reserve is not in the output: the lock fault does not show in this profile.", sentence);
    }

    [Fact]
    public void LeakSentenceReadsTheCumulativeGrowthOfTheCache()
    {
        var (found, sentence, _) = DemoRunner.Leak.Check(TopReport.Parse(HeapDiffTop));
        Assert.True(found);
        Assert.Equal("Between the two snapshots 780396B more live memory is held through static Pprof.Demo.Shop.Catalog.RecommendationCache.s_byVisitorAndProduct: " +
            "a static cache, keyed by visitor, that never evicts.", sentence);
    }

    [Fact]
    public void ACacheThatShrankIsNotALeak()
    {
        var shrunk = TopReport.Parse(HeapDiffTop.Replace("780396B  7.53%  static", "-780396B  7.53%  static", StringComparison.Ordinal));
        var (found, sentence, rank) = DemoRunner.Leak.Check(shrunk);
        Assert.False(found);
        Assert.Equal(4, rank);
        Assert.Contains("did not grow (-780396B)", sentence);
    }

    [Theory]
    [InlineData("780396B", true)]
    [InlineData("1.25MB", true)]
    [InlineData("0.5kB", true)]
    [InlineData("298", true)]
    [InlineData("0", false)]
    [InlineData("0.00kB", false)]
    [InlineData("-12kB", false)]
    public void PositiveValues(string value, bool positive) => Assert.Equal(positive, DemoRunner.IsPositive(value));

    [Theory]
    [InlineData("http://127.0.0.1:5080/debug/pprof/heap", "http://127.0.0.1:5080/debug/pprof/heap")]
    [InlineData("http://127.0.0.1:5080/debug/pprof/profile?seconds=30", "'http://127.0.0.1:5080/debug/pprof/profile?seconds=30'")]
    [InlineData("-focus=AuthorizeBlocking", "-focus=AuthorizeBlocking")]
    [InlineData("it's", "'it'\\''s'")]
    public void CommandsArePrintedAsAShellNeedsThem(string arg, string quoted) => Assert.Equal(quoted, PprofCli.ShellQuote(arg));
}
