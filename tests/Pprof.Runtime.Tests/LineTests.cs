using System.Text;
using System.Text.RegularExpressions;
using Pprof.Profiles;
using Pprof.Report;
using Pprof.Runtime.TestTarget;
using static Pprof.Runtime.Tests.ProfileAssert;

namespace Pprof.Runtime.Tests;

/// <summary>Frames carry their instruction pointer, a mapping and the source line of that instruction, read through
/// the JIT's IL-to-native maps and the PDB's sequence points, in real profiles of this process.</summary>
[Collection("runtime")]
public sealed class LineTests
{
    [Fact]
    public async Task CpuSamplesLandOnTheLoopLinesWithAddresses()
    {
        var (p, _) = await CollectDuring("cpu", () => Workloads.LineLoop(TimeSpan.FromSeconds(3)), "line-loop");
        var fn = Assert.Single(p.Functions, f => f.Name == "Pprof.Runtime.TestTarget.Workloads.LineLoop");
        var loopLines = MarkedLines(fn.Filename, "// loop line");
        Assert.Equal(3, loopLines.Count);

        // The method's own samples (it is the leaf), split by the line of the sampled instruction.
        var mine = p.Samples.Where(s => Label(s, "thread_name") == "line-loop" && s.Locations[0].Lines[0].Function == fn).ToList();
        long count = mine.Sum(s => s.Values[0]);
        long total = mine.Sum(s => s.Values[1]);
        long onLoop = mine.Where(s => loopLines.Contains(s.Locations[0].Lines[0].LineNumber)).Sum(s => s.Values[1]);
        // (100 samples per CPU second: a loaded CI machine may give the thread a fraction of a core.)
        Assert.True(count >= 10, $"only {count} samples in LineLoop");
        Assert.True(onLoop >= 0.8 * total, $"{onLoop} of {total} ns of LineLoop on its loop lines {string.Join(",", loopLines)}; lines seen: "
            + string.Join(", ", mine.GroupBy(s => s.Locations[0].Lines[0].LineNumber).Select(g => $"{g.Key}={g.Sum(s => s.Values[1])}")));

        // Every location of the method has its own address in the jitted code's mapping.
        var locations = p.Locations.Where(l => l.Lines.Any(ln => ln.Function == fn)).ToList();
        Assert.All(locations, l => Assert.NotEqual(0UL, l.Address));
        Assert.All(locations, l => Assert.Equal("[jit]", l.Mapping?.File));
        Assert.Equal(locations.Count, locations.Select(l => l.Address).Distinct().Count());
        Assert.True(locations.Count >= 2, $"{locations.Count} distinct instructions sampled");
        var jit = Assert.Single(p.Mappings, m => m.File == "[jit]");
        Assert.All(locations, l => Assert.InRange(l.Address, jit.Start, jit.Limit - 1));

        // pprof's -list (line granularity) shows the cost on the loop's lines, and the hottest line is one of them.
        string list = ListReport(p, "LineLoop");
        Assert.Contains("ROUTINE ======================== Pprof.Runtime.TestTarget.Workloads.LineLoop in ", list);
        var rows = ListRows(list);
        Assert.Contains(rows, r => r.Text.Contains("// loop line", StringComparison.Ordinal) && r.Flat > 0);
        var hottest = rows.MaxBy(r => r.Flat);
        Assert.True(hottest.Text.Contains("// loop line", StringComparison.Ordinal), "hottest line in -list: " + hottest.Text + "\n" + list);
    }

    [Fact]
    public async Task AllocationStacksCarryTheCallSiteLines()
    {
        var (p, _) = await CollectDuring("allocs", () => Workloads.AllocateMix(100_000_000));
        var fn = Assert.Single(p.Functions, f => f.Name == "Pprof.Runtime.TestTarget.Workloads.AllocateMix");
        string[] source = File.ReadAllLines(fn.Filename);
        var callerLocations = p.Samples.SelectMany(s => s.Locations.Skip(1).Select(l => (Location: l, Bytes: s.Values[1])))
            .Where(x => x.Location.Lines[0].Function == fn).ToList();
        Assert.NotEmpty(callerLocations);
        Assert.All(callerLocations, x => Assert.NotEqual(0UL, x.Location.Address));
        // The frame of AllocateMix is on the line of the call that allocated (AllocBytes(), AllocLongs(), AllocPoint()),
        // not on the method's first line.
        long total = callerLocations.Sum(x => x.Bytes);
        long onCalls = callerLocations.Where(x => x.Location.Lines[0].LineNumber is long line && line > 0 && line <= source.Length
            && Regex.IsMatch(source[line - 1], @"= Alloc(Bytes|Longs|Point)\(\);")).Sum(x => x.Bytes);
        Assert.True(onCalls >= 0.9 * total, $"{onCalls} of {total} bytes on the allocating calls' lines");
        Assert.True(callerLocations.Select(x => x.Location.Lines[0].LineNumber).Distinct().Count() >= 3, "the three callees' call sites are told apart");
    }

    private static HashSet<long> MarkedLines(string file, string mark)
    {
        var lines = File.ReadAllLines(file);
        var marked = new HashSet<long>();
        for (int i = 0; i < lines.Length; i++) if (lines[i].Contains(mark, StringComparison.Ordinal)) marked.Add(i + 1);
        return marked;
    }

    /// <summary>pprof's <c>-list</c> of the functions matching <paramref name="symbol"/>, by the report library.</summary>
    private static string ListReport(Profile p, string symbol)
    {
        var copy = p.Copy();
        copy.Aggregate(inlineFrame: true, function: true, filename: true, lineNumber: true, columnNumber: false, address: false);
        var options = new ReportOptions
        {
            OutputFormat = ReportFormat.List,
            Symbol = new Regex(symbol),
            SampleType = "cpu",
            SampleUnit = "nanoseconds",
            SampleValue = v => v[1],
        };
        var ms = new MemoryStream();
        ReportGenerator.Generate(ms, copy, options);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>The source rows of a -list report: flat value in nanoseconds (0 for ".") and the source text.</summary>
    private static List<(double Flat, string Text)> ListRows(string list)
    {
        var rows = new List<(double, string)>();
        var row = new Regex(@"^\s*(\S+)\s+(\S+)\s+\d+:(.*)$");
        foreach (var line in list.Split('\n'))
        {
            var m = row.Match(line);
            if (m.Success) rows.Add((Nanoseconds(m.Groups[1].Value), m.Groups[3].Value));
        }
        return rows;
    }

    private static double Nanoseconds(string value)
    {
        if (value == ".") return 0;
        var m = Regex.Match(value, @"^([0-9.]+)(ns|us|µs|ms|s|mins|hrs)$");
        Assert.True(m.Success, "unexpected value in -list: " + value);
        double n = double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return n * m.Groups[2].Value switch { "ns" => 1, "us" or "µs" => 1e3, "ms" => 1e6, "s" => 1e9, "mins" => 60e9, _ => 3600e9 };
    }
}
