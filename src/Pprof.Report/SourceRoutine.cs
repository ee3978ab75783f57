namespace Pprof.Report;

/// <summary>One function of the source listing (<c>-list</c>) in one source file (a <c>ROUTINE</c> block), as
/// data.</summary>
public sealed class SourceRoutine
{
    internal SourceRoutine(string function, string file, long flat, long cum, string flatFormat, string cumFormat,
        string? error, IReadOnlyList<SourceLineItem> lines)
    {
        Function = function;
        File = file;
        Flat = flat;
        Cum = cum;
        FlatFormat = flatFormat;
        CumFormat = cumFormat;
        Error = error;
        Lines = lines;
    }

    /// <summary>The function's name.</summary>
    public string Function { get; }

    /// <summary>The source file, as the profile names it; "" when the profile has no source information for the
    /// function (the report then prints "No source information for ...", and the values are 0).</summary>
    public string File { get; }

    /// <summary>The function's own value in this file, in the profile's sample unit.</summary>
    public long Flat { get; }

    /// <summary>The function's value including its callees in this file, in the profile's sample unit.</summary>
    public long Cum { get; }

    /// <summary><see cref="Flat"/> as the report prints it, in the report's output unit.</summary>
    public string FlatFormat { get; }

    /// <summary><see cref="Cum"/> as the report prints it.</summary>
    public string CumFormat { get; }

    /// <summary>Why the source file could not be read, or null; <see cref="Lines"/> is then empty.</summary>
    public string? Error { get; }

    /// <summary>The listed source lines, in order.</summary>
    public IReadOnlyList<SourceLineItem> Lines { get; }
}
