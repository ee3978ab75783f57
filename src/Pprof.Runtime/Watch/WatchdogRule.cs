using System.Globalization;

namespace Pprof.Runtime.Watch;

/// <summary>A holmes rule, <c>MIN,DIFF,ABS[,MAX]</c>: with the last 10 values in a ring (the current one included), a
/// value below MIN never dumps, one at or above MAX (when set) never dumps, one above ABS always dumps, and otherwise
/// the value dumps when <c>current ≥ average × (100 + DIFF) / 100</c>, in whole numbers as holmes computes it.</summary>
/// <param name="Min">Below this, never.</param>
/// <param name="Diff">Percent above the ring's average that dumps.</param>
/// <param name="Abs">Above this, always.</param>
/// <param name="Max">At or above this, never (holmes has it for goroutines only); null for none.</param>
public sealed record WatchdogRule(long Min, long Diff, long Abs, long? Max = null)
{
    /// <summary>Parses <c>MIN,DIFF,ABS</c> or <c>MIN,DIFF,ABS,MAX</c> (non-negative whole numbers).</summary>
    public static bool TryParse(string? text, out WatchdogRule? rule)
    {
        rule = null;
        if (string.IsNullOrEmpty(text) || text.Length > 100) return false;
        string[] parts = text.Split(',');
        if (parts.Length is < 3 or > 4) return false;
        var n = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out n[i]) || n[i] > 1_000_000_000_000) return false;
        }
        rule = new WatchdogRule(n[0], n[1], n[2], parts.Length == 4 ? n[3] : null);
        return true;
    }

    /// <summary>Holmes' decision for <paramref name="current"/> given <paramref name="history"/>, the ring of the last
    /// values with the current one already in it.</summary>
    public bool Matches(IReadOnlyList<long> history, long current)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (current < Min) return false;
        if (Max is long max && current >= max) return false;
        if (current > Abs) return true;
        return current >= Average(history) * (100 + Diff) / 100;
    }

    /// <summary>The ring's average in whole numbers (the sum divided by the count, truncated), as holmes'.</summary>
    public static long Average(IReadOnlyList<long> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0) return 0;
        long sum = 0;
        foreach (long v in history) sum += v;
        return sum / history.Count;
    }

    /// <summary><c>MIN,DIFF,ABS[,MAX]</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Min},{Diff},{Abs}") + (Max is long m ? "," + m.ToString(CultureInfo.InvariantCulture) : "");
}
