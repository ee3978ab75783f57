using Pprof.Profiles;
using System.Net;
using System.Net.Sockets;
using Pprof.Cli.Driver;

namespace Pprof.Cli.Web;

/// <summary>Starts the web UI for <c>-http=[host]:[port]</c>: host defaults to localhost and port to a free one.
/// <c>localhost</c> (and an empty host) listens on both loopback addresses, <c>[::]</c> on every address of both
/// families. Bound to loopback, the UI answers local clients only and only under a loopback or the bound host name.</summary>
internal static class WebServer
{
    /// <summary>Set on Ctrl+C.</summary>
    private static readonly ManualResetEventSlim s_stopped = new(false);

    /// <summary>Serves until the process is interrupted; returns the exit status (the driver's
    /// <see cref="WebUiServer"/>).</summary>
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
        WaitHandle.WaitAny(new[] { s_stopped.WaitHandle, server.Stopping.WaitHandle });
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

    /// <summary>Starts the server without blocking; <paramref name="url"/> is the address to visit (the Graph view).</summary>
    public static WebUiHost Start(string hostport, Profile profile, PprofConfig cfg, string title, string settingsPath, out string url)
    {
        var (host, port) = ParseHostPort(hostport);
        var addresses = Resolve(host);
        bool loopback = addresses.All(IPAddress.IsLoopback);
        var access = new WebAccess(loopback, addresses.Select(FormatHost).Append(host));
        var webui = new WebUi(profile, cfg, title, settingsPath, access);
        WebUiHost server;
        try
        {
            server = WebUiHost.Start(addresses, port, webui.Handle);
        }
        catch (IOException e)
        {
            throw new PprofException(e.Message);
        }
        string shown = host.Contains(':') ? "[" + host + "]" : host;
        url = $"http://{shown}:{server.Port}/ui/";
        return server;
    }

    internal static List<IPAddress> Resolve(string host)
    {
        if (host is "localhost")
        {
            var local = new List<IPAddress> { IPAddress.Loopback };
            if (CanBind(IPAddress.IPv6Loopback)) local.Add(IPAddress.IPv6Loopback);
            return local;
        }
        if (IPAddress.TryParse(host, out var a)) return new List<IPAddress> { a };
        try
        {
            var list = Dns.GetHostAddresses(host).Where(x => x.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                .Distinct().Where(x => x.AddressFamily == AddressFamily.InterNetwork || CanBind(x)).ToList();
            if (list.Count == 0) throw new PprofException($"could not resolve host {host}");
            return list.OrderBy(x => x.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).ToList();
        }
        catch (SocketException e)
        {
            throw new PprofException($"could not resolve host {host}: {e.Message}");
        }
    }

    /// <summary>True when a socket can be bound to <paramref name="a"/> (an IPv6 address on a host without IPv6 cannot).</summary>
    private static bool CanBind(IPAddress a)
    {
        if (a.AddressFamily == AddressFamily.InterNetworkV6 && !Socket.OSSupportsIPv6) return false;
        try
        {
            using var s = new Socket(a.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(a, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>An address as it appears before <c>:port</c> in a URL.</summary>
    public static string FormatHost(IPAddress a) => a.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + a + "]" : a.ToString();
}
