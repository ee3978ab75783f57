namespace Pprof.Profiles;

/// <summary>One source line of a <see cref="Location"/>: a function and a line (and column) inside it.</summary>
public struct Line
{
    /// <summary>Creates a line.</summary>
    public Line(Function? function, long lineNumber, long column = 0)
    {
        Function = function;
        LineNumber = lineNumber;
        Column = column;
    }

    /// <summary>The function this line belongs to; null when unknown.</summary>
    public Function? Function { get; set; }

    /// <summary>Source line number; 0 when unknown.</summary>
    public long LineNumber { get; set; }

    /// <summary>Source column; 0 when unknown.</summary>
    public long Column { get; set; }
}
