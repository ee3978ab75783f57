namespace Pprof.Cli.Trace.Web;

/// <summary>A request a trace view cannot answer because of its parameters: the server answers 400 with the message.</summary>
internal sealed class TraceViewException : Exception
{
    public TraceViewException(string message)
        : base(message)
    {
    }

    public TraceViewException()
    {
    }

    public TraceViewException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
