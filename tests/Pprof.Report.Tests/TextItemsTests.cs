using Pprof.Profiles;
using Pprof.Report;

namespace Pprof.Report.Tests;

/// <summary>The top table as data: the same rows, order, values and header lines the text report prints.</summary>
public class TextItemsTests
{
    private static Profile Synthetic() => ReportHeaderTests.Synthetic();

    private static ReportOptions Options()
    {
        var o = ReportHeaderTests.Options();
        o.NodeCount = 5;
        return o;
    }

    [Fact]
    public void ItemsAreTheRowsOfTheTextReport()
    {
        var items = ReportGenerator.GetTextItems(Synthetic(), Options());
        var ms = new MemoryStream();
        ReportGenerator.Generate(ms, Synthetic(), Options());
        var lines = System.Text.Encoding.UTF8.GetString(ms.ToArray()).TrimEnd('\n').Split('\n');
        int header = Array.FindIndex(lines, l => l.TrimStart().StartsWith("flat  flat%", StringComparison.Ordinal));
        Assert.Equal(lines[..header], items.Labels);
        var rows = lines[(header + 1)..];
        Assert.Equal(rows.Length, items.Items.Count);
        Assert.True(items.Items.Count >= 2);
        long sum = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            var it = items.Items[i];
            sum += it.Flat;
            string expected = it.FlatFormat.PadLeft(10) + " " + Measurement.Percentage(it.Flat, items.Total) + " " +
                Measurement.Percentage(sum, items.Total) + " " + it.CumFormat.PadLeft(10) + " " +
                Measurement.Percentage(it.Cum, items.Total) + "  " + it.Name + (it.InlineLabel.Length != 0 ? " " + it.InlineLabel : "");
            Assert.Equal(rows[i], expected);
            Assert.True(it.Cum >= it.Flat);
        }
        // Sorted by flat value, as the report is by default.
        Assert.True(items.Items.Zip(items.Items.Skip(1)).All(p => Math.Abs(p.First.Flat) >= Math.Abs(p.Second.Flat)));
    }

    [Fact]
    public void DisplayNamesAreShortenedStablyAndDistinctly()
    {
        Assert.Equal("main.f", DisplayName.Shorten("main.f"));
        string a = new string('a', 10_000_000), b = a[..^1] + "b";
        string sa = DisplayName.Shorten(a), sb = DisplayName.Shorten(b);
        Assert.True(sa.Length <= DisplayName.MaxLength, sa.Length.ToString());
        Assert.Contains("[10000000 chars, #", sa);
        Assert.NotEqual(sa, sb);
        Assert.Equal(sa, DisplayName.Shorten(new string('a', 10_000_000)));
        Assert.EndsWith("b", sb);
        // A surrogate pair is never split.
        string emoji = string.Concat(Enumerable.Repeat("\U0001F600", 5000));
        string se = DisplayName.Shorten(emoji, 100);
        Assert.True(se.Length <= 100);
        Assert.False(se.Where((c, i) => char.IsHighSurrogate(c) && (i + 1 == se.Length || !char.IsLowSurrogate(se[i + 1]))).Any());
        Assert.False(se.Where((c, i) => char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(se[i - 1]))).Any());
    }
}
