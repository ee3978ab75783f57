namespace Pprof.Cli.Driver;

/// <summary>Standard output was closed by its reader.</summary>
internal sealed class OutputClosedException : IOException
{
    public OutputClosedException(Exception inner) : base("standard output closed", inner) { }
}
