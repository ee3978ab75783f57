using Pprof.Profiles;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Pprof.Cli.Driver;
using Pprof.Cli.Web;

namespace Pprof.Cli.Tests;

/// <summary>The web UI process where it listens, when descriptors run out, with remote peers and with names of
/// megabytes.</summary>
public sealed class WebListenTests : IDisposable
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(20);
    private readonly string _profile = WebTestProfile.WriteTemp();
    private readonly string _settings = Path.Combine(Path.GetTempPath(), "listen-settings-" + Guid.NewGuid().ToString("N") + ".json");

    public void Dispose()
    {
        File.Delete(_profile);
        File.Delete(_settings);
    }

    private static void AssertIPv6()
    {
        using var s = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0)); // throws where IPv6 loopback is missing: this test needs it
    }

    [Fact]
    public async Task AnyIPv6ListensOnBothFamilies()
    {
        AssertIPv6();
        using var ui = new WebUiProcess("[::]:0", _profile, _settings);
        Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, ui.Port, "/ui/top", Prompt));
        Assert.Equal(200, await RawHttp.Status(IPAddress.IPv6Loopback, ui.Port, "/ui/top", Prompt));
        Assert.True(ui.Alive);
    }

    [Fact]
    public async Task LocalhostListensOnBothLoopbacksAndRedirectsToTheGraph()
    {
        AssertIPv6();
        using var ui = new WebUiProcess("localhost:0", _profile, _settings);
        Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, ui.Port, "/ui/top", Prompt));
        Assert.Equal(200, await RawHttp.Status(IPAddress.IPv6Loopback, ui.Port, "/ui/peek", Prompt));
        var answer = await RawHttp.Send(IPAddress.Loopback, ui.Port, "GET /?f=main HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray(), Prompt);
        Assert.Equal(303, answer.Status);
        Assert.Contains("Location: /ui/?f=main", answer.Text);
        Assert.True(ui.Alive);
    }

    [Fact]
    public async Task KeepsAnsweringAfterFileDescriptorsRunOut()
    {
        const int limit = 256;
        using var ui = new WebUiProcess("127.0.0.1:0", _profile, _settings, fdLimit: limit);
        Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, ui.Port, "/ui/top", Prompt));
        var idle = new List<TcpClient>();
        try
        {
            // More connections than the process may hold descriptors: the kernel queues the rest in the backlog.
            for (int i = 0; i < limit + 100; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, ui.Port);
                idle.Add(c);
            }
            // Wait until the server holds every descriptor it may.
            var deadline = DateTime.UtcNow + Prompt;
            int open = 0;
            while (DateTime.UtcNow < deadline && (open = Directory.GetFiles($"/proc/{ui.Pid}/fd").Length) < limit - 2) await Task.Delay(100);
            Assert.True(open >= limit - 2, $"descriptors never ran out: {open} of {limit} open");
        }
        finally
        {
            foreach (var c in idle) c.Dispose();
        }
        // Once they are released, the UI serves again.
        int status = 0;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < until && (status = await RawHttp.Status(IPAddress.Loopback, ui.Port, "/ui/top", TimeSpan.FromSeconds(5))) != 200) await Task.Delay(200);
        Assert.Equal(200, status);
        Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, ui.Port, "/ui/flamegraph", Prompt));
        Assert.True(ui.Alive, "the web UI process died: " + ui.Stderr);
    }

    /// <summary>An IPv4 address of this host that is not loopback: connecting to it from here gives a non-loopback peer.</summary>
    private static IPAddress HostAddress()
    {
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.True(address != null, "this host has no non-loopback IPv4 address: the remote-client test cannot run (add one, e.g. `ip addr add 192.0.2.2/24 dev eth0`)");
        return address!;
    }

    [Fact]
    public async Task NonLoopbackPeerIsRefusedByALoopbackUi()
    {
        // A real peer address through Kestrel: the server listens on this host's own address, but its access rules are
        // those of a loopback-bound UI (as behind a port forward to localhost).
        var address = HostAddress();
        var ui = new WebUi(WebTestProfile.Create(), new PprofConfig(), "webtest", _settings, new WebAccess(true, new[] { address.ToString() }));
        using var host = WebUiHost.Start(new[] { address }, 0, ui.Handle);
        Assert.Equal(403, await RawHttp.Status(address, host.Port, "/ui/top", Prompt));
        Assert.Equal(403, await RawHttp.Status(address, host.Port, "/ui/download", Prompt));
        using var loopback = WebUiHost.Start(new[] { IPAddress.Loopback }, 0, ui.Handle);
        Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, loopback.Port, "/ui/top", Prompt));
    }

    [Fact]
    public async Task HugeFunctionNamesAreShortenedInPagesAndKeptInDownloads()
    {
        string name = "main." + new string('x', 5 << 20);
        var p = WebTestProfile.Create();
        p.Functions[0].Name = p.Functions[0].SystemName = name;
        string path = Path.Combine(Path.GetTempPath(), "longname-" + Guid.NewGuid().ToString("N") + ".pb.gz");
        try
        {
            using (var f = File.Create(path)) p.Write(f);
            using var ui = new WebUiProcess("127.0.0.1:0", path, _settings);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            foreach (var view in new[] { "/ui/top", "/ui/", "/ui/flamegraph", "/ui/peek" })
            {
                var r = await http.GetAsync($"http://127.0.0.1:{ui.Port}{view}");
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                string html = await r.Content.ReadAsStringAsync();
                Assert.True(html.Length < 512 * 1024, $"{view} is {html.Length} characters");
                Assert.Contains(" chars, #", html);
            }
            var download = Profile.Parse(await http.GetByteArrayAsync($"http://127.0.0.1:{ui.Port}/ui/download"));
            Assert.Contains(download.Functions, f => f.Name == name);
            Assert.True(ui.Alive);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
