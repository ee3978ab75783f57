using System.CommandLine;
using Pprof.Cli.Collect;
using Pprof.Cli.Driver;

namespace Pprof.Cli.Dashboard;

/// <summary><c>dotnet-pprof dashboard -p PID | -n NAME | -- COMMAND [-http=HOST:PORT] [-no_browser]</c>: the live
/// dashboard (<c>MapStatsviz</c>'s page) of any .NET process, read from outside, with buttons that collect a cpu, heap
/// or goroutine profile from it. Serves until Ctrl+C or the process exits.</summary>
internal static class DashboardCommand
{
    public static Command Create(VerbContext context)
    {
        var target = new TargetOptions(withPort: false);
        var http = new Option<string>("-http", "--http")
        {
            Description = "Serve the dashboard at [host]:[port] (as pprof's -http). Default localhost:0, a free port on loopback.",
            HelpName = "host:port",
            DefaultValueFactory = _ => "localhost:0",
        };
        var noBrowser = new Option<bool>("-no_browser", "--no-browser") { Description = "Do not open a browser." };
        var command = new Command("dashboard", "Serves a live dashboard of a running .NET process, in the manner of Go's statsviz: charts of CPU, memory (RSS, GC heap by generation, committed, memory limit), allocation rate, GC pauses and % time in GC with every GC marked, threads and thread pool, lock contention, exceptions and pending work, one point a second, with pause/resume, a time window and buttons that capture a cpu (10 s), heap (10 s) or goroutine profile. Read from outside over EventPipe (.NET 9+ for the runtime's meter) and /proc. Launch mode: dotnet-pprof dashboard -- COMMAND starts the command and watches it.");
        target.AddTo(command);
        command.Add(http);
        command.Add(noBrowser);
        command.SetAction(r =>
        {
            string hostport = r.GetValue(http)!;
            bool open = !r.GetValue(noBrowser);
            return LaunchedTarget.RunOn(target, r, context, pid => Serve(pid, hostport, open, context));
        });
        return command;
    }

    private static int Serve(int pid, string hostport, bool openBrowser, VerbContext context)
    {
        DashboardHost host;
        try
        {
            host = DashboardHost.Start(hostport, pid, out string url);
            context.Err.WriteLine($"Serving the dashboard of pid {pid} on {url}");
            context.Err.Flush();
            if (openBrowser && !VisualCommands.StartBrowser(url, wait: false)) context.Err.WriteLine("Could not open a browser; visit " + url);
        }
        catch (PprofException e)
        {
            throw new Pprof.Runtime.ProfilerException(e.Message, e);
        }
        using (host)
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, host.Stopping))
        {
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = !stop.IsCancellationRequested;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                // Until Ctrl+C, SIGTERM or the process's exit.
                while (!stop.Token.WaitHandle.WaitOne(500))
                {
                    if (!Pprof.Runtime.ProcessDiscovery.IsAlive(pid))
                    {
                        context.Err.WriteLine($"dotnet-pprof dashboard: process {pid} exited");
                        Thread.Sleep(1500); // the pages see the stream end before the server goes
                        break;
                    }
                }
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }
        return 0;
    }
}
