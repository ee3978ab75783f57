namespace Pprof.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (Collect.CollectCommands.Handles(args)) return Collect.CollectCommands.Run(args, Console.Out, Console.Error, CancellationToken.None);
        Console.Error.WriteLine("dotnet-pprof: not yet wired");
        return 1;
    }
}
