namespace Pprof.Report;

/// <summary>One source line of a <see cref="SourceRoutine"/> with the values of the samples at it.</summary>
public sealed class SourceLineItem
{
    internal SourceLineItem(long lineNumber, string text, long flat, long cum, string flatFormat, string cumFormat)
    {
        LineNumber = lineNumber;
        Text = text;
        Flat = flat;
        Cum = cum;
        FlatFormat = flatFormat;
        CumFormat = cumFormat;
    }

    /// <summary>The line's number in its file, from 1.</summary>
    public long LineNumber { get; }

    /// <summary>The line's text, without its line end.</summary>
    public string Text { get; }

    /// <summary>The value of the samples at the line itself, in the profile's sample unit.</summary>
    public long Flat { get; }

    /// <summary>The value of the samples at the line including callees, in the profile's sample unit.</summary>
    public long Cum { get; }

    /// <summary><see cref="Flat"/> as the report prints it, or <c>.</c> when it is 0.</summary>
    public string FlatFormat { get; }

    /// <summary><see cref="Cum"/> as the report prints it, or <c>.</c> when it is 0.</summary>
    public string CumFormat { get; }
}
