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
    private static readonly TimeSpan s_prompt = TimeSpan.FromSeconds(20);
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

    [Theory]
    [InlineData("[::]:0")]
    [InlineData("localhost:0")]
    public async Task ListensOnBothFamilies(string hostport)
    {
        AssertIPv6();
        using var ui = new WebUiProcess(hostport, _profile, _settings);
        Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, ui.Port, "/ui/top", s_prompt));
        Assert.Equal(200, await RawHttp.Status(IPAddress.IPv6Loopback, ui.Port, "/ui/peek", s_prompt));
        var answer = await RawHttp.Send(IPAddress.Loopback, ui.Port, "GET /?f=main HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray(), s_prompt);
        Assert.Equal(303, answer.Status);
        Assert.Contains("Location: /ui/?f=main", answer.Text);
        Assert.True(ui.Alive);
    }

    [Fact]
    public async Task SurvivesAFloodOfConnectionsUnderALowFileLimit()
    {
        // More connections than the process may open descriptors, held for seconds: the old server died ("Out of
        // memory." from the runtime, or an accept loop that stopped for good). The UI must stay below its limit, live,
        // and serve again once the connections are gone.
        const int limit = 256;
        using var ui = new WebUiProcess("127.0.0.1:0", _profile, _settings, fdLimit: limit);
        Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, ui.Port, "/ui/top", s_prompt));
        var idle = new List<TcpClient>();
        int most = 0;
        try
        {
            for (int i = 0; i < limit + 100; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, ui.Port);
                idle.Add(c);
            }
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (DateTime.UtcNow < until && ui.Alive)
            {
                most = Math.Max(most, OpenDescriptors(ui.Pid));
                await Task.Delay(20);
            }
            Assert.True(ui.Alive, "the web UI process died under the flood: " + ui.Stderr);
        }
        finally
        {
            foreach (var c in idle) c.Dispose();
        }
        Assert.True(most < limit - 16, $"the server took {most} of its {limit} descriptors");
        Assert.True(most > 100, $"the server never held the connections ({most} descriptors)");
        int status = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && (status = await RawHttp.Status(IPAddress.Loopback, ui.Port, "/ui/top", TimeSpan.FromSeconds(5))) != 200) await Task.Delay(200);
        Assert.Equal(200, status);
        Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, ui.Port, "/ui/flamegraph", s_prompt));
        Assert.True(ui.Alive, "the web UI process died: " + ui.Stderr);
    }

    private static int OpenDescriptors(int pid)
    {
        try
        {
            return Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }
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
        Assert.Equal(403, await RawHttp.Status(address, host.Port, "/ui/top", s_prompt));
        Assert.Equal(403, await RawHttp.Status(address, host.Port, "/ui/download", s_prompt));
        using var loopback = WebUiHost.Start(new[] { IPAddress.Loopback }, 0, ui.Handle);
        Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, loopback.Port, "/ui/top", s_prompt));
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
