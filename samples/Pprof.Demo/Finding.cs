namespace Pprof.Demo;

/// <summary>What one profile was expected to show: the fault it belongs to, the function that shows it, and how to
/// say what the row means; <see cref="Reject"/>, when set, says why a row that is there does not show the fault
/// (e.g. a cache that did not grow).</summary>
internal sealed record Finding(string Fault, string Function, int MaxRank, Func<TopRow, int, TopReport, string> Explain, Func<TopRow, string?>? Reject = null)
{
    /// <summary>Checks <paramref name="report"/>: the sentence to print and whether the function was found within the
    /// first <see cref="MaxRank"/> rows (any row when <see cref="MaxRank"/> is 0), and its row number (0 when absent).</summary>
    public (bool Found, string Sentence, int Rank) Check(TopReport report)
    {
        int index = -1;
        for (int i = 0; i < report.Rows.Count; i++)
        {
            if (report.Rows[i].Name.Contains(Function, StringComparison.Ordinal))
            {
                index = i;
                break;
            }
        }
        if (index < 0)
            return (false, $"{Function} is not in the output: the {Fault} fault does not show in this profile.", 0);
        if (MaxRank > 0 && index >= MaxRank)
            return (false, $"{Function} is only row {index + 1} of the output, not among the first {MaxRank}: the {Fault} fault does not stand out.", index + 1);
        if (Reject?.Invoke(report.Rows[index]) is { } reason)
            return (false, $"{Function} is in the output, but {reason}: the {Fault} fault does not show in this profile.", index + 1);
        return (true, Explain(report.Rows[index], index + 1, report), index + 1);
    }
}
