using System.Net;
using Pprof.Cli.Driver;
using Pprof.Cli.Web;
using Pprof.History;

namespace Pprof.Cli.HistoryWeb;

/// <summary>Serves the history UI for <c>dotnet-pprof history -http=[host]:[port]</c> with the web UI's server and
/// access rules (bound to loopback, it answers local clients only), until Ctrl+C.</summary>
internal static class HistoryServer
{
    /// <summary>Starts the server without blocking; <paramref name="url"/> is the address to visit.</summary>
    public static WebUiHost Start(ProfileStore store, string hostport, string settingsPath, out string url)
    {
        var (host, port) = WebServer.ParseHostPort(hostport);
        var addresses = WebServer.Resolve(host);
        var access = new WebAccess(addresses.All(IPAddress.IsLoopback), addresses.Select(WebServer.FormatHost).Append(host));
        var ui = new HistoryUi(store, store.Directory, settingsPath, access);
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

    /// <summary>Serves <paramref name="store"/> until Ctrl+C, SIGTERM or <paramref name="cancellationToken"/>;
    /// returns the exit status.</summary>
    public static int Serve(ProfileStore store, string hostport, bool noBrowser, TextWriter err, CancellationToken cancellationToken)
    {
        WebUiHost server;
        string url;
        try
        {
            server = Start(store, hostport, WebSettings.DefaultPath(), out url);
        }
        catch (PprofException e)
        {
            err.WriteLine("dotnet-pprof history: " + e.Message);
            return 1;
        }
        using (server)
        {
            err.WriteLine("dotnet-pprof history: serving the history of " + store.Directory + " on " + url + " (Ctrl+C stops)");
            if (!noBrowser && !VisualCommands.StartBrowser(url, wait: false)) err.WriteLine("dotnet-pprof history: could not open a browser; visit " + url);
            server.WaitUntilStopped(cancellationToken);
        }
        return 0;
    }
}
