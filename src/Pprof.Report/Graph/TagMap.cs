namespace Pprof.Report;

/// <summary>Tags by name.</summary>
public sealed class TagMap : Dictionary<string, Tag>
{
    /// <summary>Creates an empty map.</summary>
    public TagMap() : base(StringComparer.Ordinal) { }

    internal Tag FindOrAdd(string label, string unit, long value)
    {
        if (!TryGetValue(label, out var t))
        {
            t = new Tag { Name = label, Unit = unit, Value = value };
            this[label] = t;
        }
        return t;
    }
}
