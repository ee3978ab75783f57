using Pprof.Cli.Driver;
using Pprof.Cli.Web;
using Pprof.Traces;

namespace Pprof.Cli.Trace.Web;

/// <summary>Starts the trace web UI for <c>-http=[host]:[port]</c> with the rules of the analysis UI's
/// <see cref="WebServer"/>: host defaults to localhost and port to a free one; bound to loopback, it answers local
/// clients only and only under a loopback or the bound host name.</summary>
internal static class TraceWebServer
{
    /// <summary>Starts serving <paramref name="trace"/> without blocking; <paramref name="url"/> is the index's address.
    /// The timeline's lanes are built before it returns, so the first view is quick. Throws
    /// <see cref="PprofException"/> for a bad or unusable address.</summary>
    public static WebUiHost Start(string hostport, NetTrace trace, string name, string settingsPath, out string url, out TraceWebUi ui)
    {
        var (host, port) = WebServer.ParseHostPort(hostport);
        var addresses = WebServer.Resolve(host);
        bool loopback = addresses.All(System.Net.IPAddress.IsLoopback);
        var access = new WebAccess(loopback, addresses.Select(WebServer.FormatHost).Append(host));
        ui = new TraceWebUi(trace, name, access, settingsPath, TraceViews.All);
        _ = ui.Timeline;
        WebUiHost server;
        try
        {
            server = WebUiHost.Start(addresses, port, ui.Handle);
        }
        catch (IOException e)
        {
            throw new PprofException(e.Message);
        }
        string shown = host.Contains(':') ? "[" + host + "]" : host;
        url = $"http://{shown}:{server.Port}/";
        return server;
    }

    /// <summary>Serves until Ctrl+C or SIGTERM; returns the exit status.</summary>
    public static int Serve(string hostport, NetTrace trace, string name, bool disableBrowser, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var server = Start(hostport, trace, name, WebSettings.DefaultPath(), out string url, out _);
        stderr.WriteLine("Serving trace web UI on " + url);
        if (!disableBrowser && !VisualCommands.StartBrowser(url, wait: false))
        {
            stderr.WriteLine("Could not open a browser; visit " + url);
        }
        server.WaitUntilStopped(cancellationToken);
        return 0;
    }
}
