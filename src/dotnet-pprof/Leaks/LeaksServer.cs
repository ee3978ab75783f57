using System.Net;
using WebResponse = Pprof.Cli.Web.WebResponse;
using Pprof.Cli.Driver;
using Pprof.Cli.Web;

namespace Pprof.Cli.Leaks;

/// <summary>Serves the HTML leak report for <c>-http=[host]:[port]</c> with the web UI's server and access rules
/// (bound to loopback, it answers local clients only), until Ctrl+C.</summary>
internal static class LeaksServer
{
    public static int Serve(string hostport, string html, bool noBrowser, TextWriter err, CancellationToken cancellationToken)
    {
        WebUiHost server;
        string url;
        try
        {
            var (host, port) = WebServer.ParseHostPort(hostport);
            var addresses = WebServer.Resolve(host);
            var access = new WebAccess(addresses.All(IPAddress.IsLoopback), addresses.Select(WebServer.FormatHost).Append(host));
            var page = WebResponse.Html(html);
            server = WebUiHost.Start(addresses, port, req =>
            {
                if (access.Check(req) is { } refused) return refused;
                if (req.Method is not ("GET" or "HEAD")) return WebResponse.Plain(405, "method not allowed");
                return req.Path is "/" or "/leaks" ? page : WebResponse.Plain(404, "not found: the report is at /");
            });
            string shown = host.Contains(':') ? "[" + host + "]" : host;
            url = $"http://{shown}:{server.Port}/";
        }
        catch (Exception e) when (e is PprofException or IOException)
        {
            err.WriteLine("dotnet-pprof leaks: " + e.Message);
            return 1;
        }
        using (server)
        {
            err.WriteLine("dotnet-pprof leaks: serving the report on " + url + " (Ctrl+C stops)");
            if (!noBrowser && !VisualCommands.StartBrowser(url, wait: false)) err.WriteLine("dotnet-pprof leaks: could not open a browser; visit " + url);
            server.WaitUntilStopped(cancellationToken);
        }
        return 0;
    }
}
