namespace Pprof.Report;

/// <summary>A report could not be produced (for example, no function matched the symbol regexp). The message is the
/// one line pprof prints, such as <c>no matches found for regexp: foo</c>.</summary>
public sealed class ReportException : Exception
{
    /// <summary>Creates the exception with pprof's one-line message.</summary>
    public ReportException(string message) : base(message)
    {
    }
}
