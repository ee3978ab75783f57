namespace Pprof.Report;

/// <summary>One row of the top table (<c>-top</c>, <c>-text</c>) as data (pprof's <c>report.TextItem</c>): what the
/// text report prints on one line, without the layout.</summary>
public sealed class TextItem
{
    internal TextItem(string name, string inlineLabel, long flat, long cum, string flatFormat, string cumFormat)
    {
        Name = name;
        InlineLabel = inlineLabel;
        Flat = flat;
        Cum = cum;
        FlatFormat = flatFormat;
        CumFormat = cumFormat;
    }

    /// <summary>The node's printable name (function, file:line or address, per the granularity).</summary>
    public string Name { get; }

    /// <summary><c>(inline)</c> when every call into the node was inlined, <c>(partial-inline)</c> when some were, or "".</summary>
    public string InlineLabel { get; }

    /// <summary>The node's own value, in the profile's sample unit.</summary>
    public long Flat { get; }

    /// <summary>The node's value including its callees, in the profile's sample unit.</summary>
    public long Cum { get; }

    /// <summary><see cref="Flat"/> as the report prints it, in the report's output unit (e.g. <c>1.20s</c>).</summary>
    public string FlatFormat { get; }

    /// <summary><see cref="Cum"/> as the report prints it.</summary>
    public string CumFormat { get; }
}
