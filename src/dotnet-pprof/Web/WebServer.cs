using Pprof.Profiles;
using System.Net;
using System.Net.Sockets;
using Pprof.Cli.Driver;

namespace Pprof.Cli.Web;

/// <summary>Starts the web UI for <c>-http=[host]:[port]</c>: host defaults to localhost and port to a free one;
/// bound to localhost, only the loopback addresses listen and other clients get 403.</summary>
internal static class WebServer
{
    /// <summary>Set when the server is being stopped (tests and Ctrl+C).</summary>
    private static readonly ManualResetEventSlim s_stopped = new(false);

    /// <summary>Serves until the process is interrupted; returns the exit status.</summary>
    public static int Serve(string hostport, Profile profile, PprofConfig cfg, PprofUI ui, bool disableBrowser)
    {
        using var server = Start(hostport, profile, cfg, TitleOf(profile), WebSettings.DefaultPath(), out string url);
        ui.PrintErr("Serving web UI on " + url);
        if (!disableBrowser && !VisualCommands.StartBrowser(url, wait: false))
        {
            ui.PrintErr("Could not open a browser; visit " + url);
        }
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            s_stopped.Set();
        };
        s_stopped.Wait();
        return 0;
    }

    /// <summary>A short name for the profile: its main binary, or its sample types.</summary>
    public static string TitleOf(Profile p)
    {
        if (p.Mappings.Count > 0 && p.Mappings[0].File.Length > 0) return Path.GetFileName(p.Mappings[0].File);
        return string.Join(", ", p.SampleTypes.Select(t => t.Type)) + " profile";
    }

    /// <summary>Parses <c>[host]:[port]</c>: host and port, empty host meaning localhost and port 0 a free one.</summary>
    public static (string Host, int Port) ParseHostPort(string hostport)
    {
        int colon = hostport.LastIndexOf(':');
        if (colon < 0 || (hostport.Contains(':') && hostport.IndexOf(':') != colon && !hostport.StartsWith('[')))
            throw new PprofException($"could not parse -http={hostport}: want [host]:[port]");
        string host = hostport[..colon].Trim('[', ']');
        string portText = hostport[(colon + 1)..];
        int port = 0;
        if (portText.Length != 0 && (!int.TryParse(portText, out port) || port < 0 || port > 65535))
            throw new PprofException($"could not parse -http={hostport}: bad port \"{portText}\"");
        return (host.Length == 0 ? "localhost" : host, port);
    }

    /// <summary>Starts the server without blocking; <paramref name="url"/> is the address to visit.</summary>
    public static WebHttpServer Start(string hostport, Profile profile, PprofConfig cfg, string title, string settingsPath, out string url)
    {
        var (host, port) = ParseHostPort(hostport);
        var addresses = Resolve(host);
        bool loopback = addresses.All(IPAddress.IsLoopback);
        var webui = new WebUi(profile, cfg, title, settingsPath, loopback);
        var server = new WebHttpServer(addresses, port, webui.Handle);
        server.Start();
        string shown = host.Contains(':') ? "[" + host + "]" : host;
        url = $"http://{shown}:{server.Port}";
        return server;
    }

    private static List<IPAddress> Resolve(string host)
    {
        if (host is "localhost") return new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        if (IPAddress.TryParse(host, out var a)) return new List<IPAddress> { a };
        try
        {
            var list = Dns.GetHostAddresses(host).Where(x => x.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6).ToList();
            if (list.Count == 0) throw new PprofException($"could not resolve host {host}");
            // Prefer IPv4 first: the first address must bind.
            return list.OrderBy(x => x.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).ToList();
        }
        catch (SocketException e)
        {
            throw new PprofException($"could not resolve host {host}: {e.Message}");
        }
    }
}
