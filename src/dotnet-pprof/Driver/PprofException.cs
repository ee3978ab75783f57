namespace Pprof.Cli.Driver;

/// <summary>An error meant for the user: its message is printed as one line on stderr and the command exits with status 1.</summary>
internal sealed class PprofException : Exception
{
    public PprofException(string message) : base(message) { }

    public PprofException(string message, Exception inner) : base(message, inner) { }
}
