namespace Pprof.Cli.Collect;

/// <summary>The process-facing subcommands: <c>ps</c>, <c>collect</c>, <c>memstats</c>.</summary>
internal static class CollectCommands
{
    /// <summary>True when <paramref name="args"/> starts with one of these subcommands.</summary>
    public static bool Handles(string[] args) => false;

    /// <summary>Runs the subcommand and returns the process exit status.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) => 1;
}
