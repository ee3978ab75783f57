namespace Pprof.Report;

/// <summary>One row of a <see cref="LeakReport"/>: a type, allocation site or path and how its value changed across
/// the snapshots.</summary>
public sealed class LeakRow
{
    internal LeakRow(LeakGrouping grouping, string name, long[] values, double slope, double fit, double? perSecond, bool isLeak)
    {
        Grouping = grouping;
        Name = name;
        Values = values;
        Slope = slope;
        Fit = fit;
        GrowthPerSecond = perSecond;
        IsLeak = isLeak;
        var growth = new long[Math.Max(0, values.Length - 1)];
        for (int i = 0; i < growth.Length; i++) growth[i] = values[i + 1] - values[i];
        Growth = growth;
    }

    /// <summary>What the row groups by.</summary>
    public LeakGrouping Grouping { get; }

    /// <summary>The type, site (<c>Function file:line</c>) or path (frames root first, joined by <c> → </c>).</summary>
    public string Name { get; }

    /// <summary>The row's value (of <see cref="LeakReport.SampleType"/>) in each snapshot, in time order.</summary>
    public IReadOnlyList<long> Values { get; }

    /// <summary>The change from each snapshot to the next (one fewer than <see cref="Values"/>).</summary>
    public IReadOnlyList<long> Growth { get; }

    /// <summary>The least-squares slope of the values against the snapshot's position (0, 1, 2, …): the steady growth
    /// per snapshot, in the sample type's unit.</summary>
    public double Slope { get; }

    /// <summary>How well a straight line fits the values: the coefficient of determination R², from 0 (no line) to 1
    /// (on a line). 0 when the values do not change.</summary>
    public double Fit { get; }

    /// <summary>(last − first) / (time of the last snapshot − time of the first), when every snapshot has a time and the
    /// times increase; null otherwise.</summary>
    public double? GrowthPerSecond { get; }

    /// <summary>True when the row looks like a leak: it grew from every snapshot to the next, a line fits well
    /// (<see cref="LeakReportOptions.MinFit"/>) and the total growth is not negligible
    /// (<see cref="LeakReportOptions.MinGrowthFraction"/>).</summary>
    public bool IsLeak { get; }
}
