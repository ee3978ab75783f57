using Pprof.Cli.Driver;

namespace Pprof.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        try
        {
            if (Collect.CollectCommands.Handles(args)) return Collect.CollectCommands.Run(args, Console.Out, Console.Error, CancellationToken.None);
            if (args.Length > 0 && args[0] == "trace")
            {
                using var stdout = Console.OpenStandardOutput();
                return Trace.TraceCommand.Run(args[1..], stdout, !Console.IsOutputRedirected, Console.Error, CancellationToken.None);
            }
            if (args.Length > 0 && args[0] == "history")
            {
                using var stdout = Console.OpenStandardOutput();
                return History.HistoryCommand.Run(args[1..], stdout, !Console.IsOutputRedirected, Console.Error, CancellationToken.None);
            }
            AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
            return RunPprof(args);
        }
        catch (Exception e)
        {
            // Never a stack trace: one line, exit status 1.
            Console.Error.WriteLine(PprofDriver.ErrorLine(e));
            return 1;
        }
    }

    private static int RunPprof(string[] args)
    {
        var stdout = new BufferedStream(new StdoutStream(Console.OpenStandardOutput()), 1 << 16);
        var editor = LineEditor.Available() ? new LineEditor(Console.Error) : null;
        var ui = new PprofUI(Console.In, stdout, Console.Error, outputIsTerminal: !Console.IsOutputRedirected, editor);
        int rc = PprofDriver.Run(args, ui, webUi: Web.WebServer.Serve);
        try
        {
            stdout.Dispose();
        }
        catch (OutputClosedException)
        {
            // The reader went away (e.g. piped into head).
        }
        return rc;
    }

    private static void OnUnhandledException(object sender, UnhandledExceptionEventArgs e)
    {
        string line = e.ExceptionObject is Exception ex ? PprofDriver.ErrorLine(ex) : Usage.ToolName + ": internal error";
        Console.Error.WriteLine(line);
        Console.Error.Flush();
        Environment.Exit(1);
    }
}
