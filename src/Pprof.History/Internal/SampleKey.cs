namespace Pprof.History.Internal;

/// <summary>What identifies a stored sample: its stack's and its label set's ids (0: no labels).</summary>
internal readonly record struct SampleKey(long Stack, long LabelSet) : IComparable<SampleKey>
{
    public int CompareTo(SampleKey other) => Stack != other.Stack ? Stack.CompareTo(other.Stack) : LabelSet.CompareTo(other.LabelSet);
}
