namespace Pprof.Report;

/// <summary>One caller or callee line of a <see cref="PeekItem"/>: the node at the other end of the call and the
/// value that flowed through it.</summary>
public sealed class PeekEdge
{
    internal PeekEdge(string name, long value, string valueFormat, bool inline)
    {
        Name = name;
        Value = value;
        ValueFormat = valueFormat;
        Inline = inline;
    }

    /// <summary>The printable name of the caller (in <see cref="PeekItem.Callers"/>) or callee.</summary>
    public string Name { get; }

    /// <summary>The value of the samples through this call, in the profile's sample unit; the report prints it as a
    /// percentage of the node's <see cref="PeekItem.Cum"/>.</summary>
    public long Value { get; }

    /// <summary><see cref="Value"/> as the report prints it, in the report's output unit.</summary>
    public string ValueFormat { get; }

    /// <summary>Whether the call was inlined (the report appends <c>(inline)</c>).</summary>
    public bool Inline { get; }
}
