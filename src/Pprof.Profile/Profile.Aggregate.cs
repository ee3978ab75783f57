namespace Pprof.Profiles;

public sealed partial class Profile
{
    /// <summary>Coarsens locations to the granularity a report needs, as pprof does before building a graph: forgets
    /// what is not asked for (inlined frames, keeping only the outermost; function names; file names; line numbers;
    /// columns; addresses) and clears the matching mapping flags. Samples keep pointing at the same (now possibly
    /// equal) locations; <see cref="Compact"/> folds them. Checks the profile afterwards unless told not to.</summary>
    /// <param name="inlineFrame">Keep inlined frames.</param>
    /// <param name="function">Keep function names.</param>
    /// <param name="filename">Keep file names.</param>
    /// <param name="lineNumber">Keep line numbers.</param>
    /// <param name="columnNumber">Keep columns (Go 1.19's pprof has no columns: false matches it).</param>
    /// <param name="address">Keep addresses.</param>
    /// <param name="check">Run <see cref="CheckValid"/> afterwards. Aggregation cannot make a valid profile invalid, and
    /// on a large profile the check walks every frame of every sample: a caller that knows the profile is valid may
    /// pass false.</param>
    /// <exception cref="ProfileFormatException">The profile is not valid.</exception>
    public void Aggregate(bool inlineFrame, bool function, bool filename, bool lineNumber, bool columnNumber, bool address, bool check = true)
    {
        foreach (var m in Mappings)
        {
            m.HasInlineFrames = m.HasInlineFrames && inlineFrame;
            m.HasFunctions = m.HasFunctions && function;
            m.HasFilenames = m.HasFilenames && filename;
            m.HasLineNumbers = m.HasLineNumbers && lineNumber;
        }

        if (!function || !filename)
        {
            foreach (var f in Functions)
            {
                if (!function)
                {
                    f.Name = "";
                    f.SystemName = "";
                }
                if (!filename) f.Filename = "";
            }
        }

        if (!inlineFrame || !address || !lineNumber || !columnNumber)
        {
            foreach (var l in Locations)
            {
                if (!inlineFrame && l.Lines.Length > 1) l.Lines = new[] { l.Lines[^1] };
                if (!lineNumber || !columnNumber)
                {
                    var lines = l.Lines;
                    for (int i = 0; i < lines.Length; i++)
                    {
                        if (!lineNumber) lines[i].LineNumber = 0;
                        lines[i].Column = 0;
                    }
                }
                if (!address) l.Address = 0;
            }
        }

        if (check) CheckValid();
    }
}
