namespace Pprof.Report;

/// <summary>A sample annotation on a node: a joined set of string labels, or one numeric label value.</summary>
public sealed class Tag
{
    /// <summary>The tag's display name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The unit of a numeric tag's value; empty for string tags.</summary>
    public string Unit { get; set; } = "";

    /// <summary>The numeric value of a numeric tag.</summary>
    public long Value { get; set; }

    /// <summary>Flat weight of the samples with this tag.</summary>
    public long Flat { get; set; }

    /// <summary>Divisor of <see cref="Flat"/> for mean values.</summary>
    public long FlatDiv { get; set; }

    /// <summary>Cumulative weight of the samples with this tag.</summary>
    public long Cum { get; set; }

    /// <summary>Divisor of <see cref="Cum"/> for mean values.</summary>
    public long CumDiv { get; set; }

    /// <summary>The flat weight, divided by <see cref="FlatDiv"/> when that is non-zero.</summary>
    public long FlatValue() => FlatDiv == 0 ? Flat : Flat / FlatDiv;

    /// <summary>The cumulative weight, divided by <see cref="CumDiv"/> when that is non-zero.</summary>
    public long CumValue() => CumDiv == 0 ? Cum : Cum / CumDiv;

    internal void Add(long dw, long w, bool flat)
    {
        if (flat)
        {
            FlatDiv += dw;
            Flat += w;
        }
        else
        {
            CumDiv += dw;
            Cum += w;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
