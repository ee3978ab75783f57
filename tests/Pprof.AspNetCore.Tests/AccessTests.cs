using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pprof.AspNetCore.Tests;

/// <summary>Who is served: loopback only by default (a non-loopback peer, spoofed or proxied forwarding headers, even
/// with ForwardedHeadersMiddleware, all get 403), lifted by RequireAuthorization or AllowRemoteClients; the separate
/// port; the concurrency limit.</summary>
public sealed class AccessTests
{
    private const string Forbidden = "pprof endpoints serve loopback clients only (set PprofOptions.AllowRemoteClients or require authorization with MapPprof(...).RequireAuthorization())";

    /// <summary>An IPv4 address of this host that is not loopback: connecting to it from here gives a non-loopback peer.</summary>
    private static IPAddress HostAddress()
    {
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.True(address != null, "this host has no non-loopback IPv4 address: the remote-client tests cannot run (add one, e.g. `ip addr add 192.0.2.2/24 dev eth0`)");
        return address!;
    }

    [Fact]
    public async Task NonLoopbackClientIsRejectedEvenWithSpoofedHeaders()
    {
        var host = HostAddress();
        await using var app = await TestApp.StartAsync(url: $"http://{host}:0", build: b => b.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            // The application trusts its network's proxies: X-Forwarded-For from this peer rewrites RemoteIpAddress.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            o.KnownProxies.Add(host);
        }), map: a =>
        {
            a.UseForwardedHeaders();
            a.MapPprof();
            a.MapGet("/peer", (Microsoft.AspNetCore.Http.HttpContext c) => c.Connection.RemoteIpAddress!.ToString());
        });
        Assert.Equal(host.ToString(), app.BaseAddress.Host);

        using (var r = await app.Client.GetAsync("/debug/pprof/"))
            await Http.AssertGoError(r, HttpStatusCode.Forbidden, Forbidden);
        using (var r = await app.Client.GetAsync("/debug/pprof/retention"))
            await Http.AssertGoError(r, HttpStatusCode.Forbidden, Forbidden);
        using (var r = await app.Client.GetAsync("/debug/vars"))
            await Http.AssertGoError(r, HttpStatusCode.Forbidden, Forbidden);

        var spoofed = new HttpRequestMessage(HttpMethod.Get, "/peer");
        spoofed.Headers.Add("X-Forwarded-For", "127.0.0.1");
        using (var r = await app.Client.SendAsync(spoofed))
            Assert.Equal("127.0.0.1", await r.Content.ReadAsStringAsync()); // the middleware believed it...
        foreach (var header in new[] { "X-Forwarded-For", "X-Real-IP", "Forwarded" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/debug/pprof/cmdline");
            request.Headers.TryAddWithoutValidation(header, header == "Forwarded" ? "for=127.0.0.1" : "127.0.0.1");
            using var r = await app.Client.SendAsync(request);
            await Http.AssertGoError(r, HttpStatusCode.Forbidden, Forbidden); // ...the endpoints do not
        }
    }

    [Fact]
    public async Task LoopbackProxyForwardingARemoteClientIsRejected()
    {
        await using var app = await TestApp.StartAsync(build: b => b.Services.Configure<ForwardedHeadersOptions>(o =>
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto), map: a =>
        {
            a.UseForwardedHeaders(); // loopback is a known proxy by default
            a.MapPprof();
        });
        using (var r = await app.Client.GetAsync("/debug/pprof/cmdline"))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        foreach (var (header, value) in new[] { ("X-Forwarded-For", "203.0.113.5"), ("X-Forwarded-For", "127.0.0.1, 203.0.113.5"), ("Forwarded", "for=\"[2001:db8::1]:4711\""), ("X-Real-IP", "203.0.113.5") })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/debug/pprof/cmdline");
            request.Headers.TryAddWithoutValidation(header, value);
            using var r = await app.Client.SendAsync(request);
            await Http.AssertGoError(r, HttpStatusCode.Forbidden, Forbidden);
        }
    }

    [Fact]
    public async Task AuthorizationLiftsTheLoopbackRule()
    {
        var host = HostAddress();
        await using var app = await TestApp.StartAsync(url: $"http://{host}:0", build: b =>
        {
            b.Services.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
            b.Services.AddAuthorization();
        }, map: a => a.MapPprof().RequireAuthorization());

        using (var r = await app.Client.GetAsync("/debug/pprof/cmdline"))
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        foreach (var path in new[] { "/debug/pprof/cmdline", "/debug/vars", "/debug/pprof/" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Authorization", "Test ok");
            using var r = await app.Client.SendAsync(request);
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{path}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }
        using (var r = await app.Client.GetAsync("/debug/vars"))
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode); // the convention reached vars too
    }

    [Fact]
    public async Task AllowRemoteClientsOpensTheEndpoints()
    {
        var host = HostAddress();
        await using var app = await TestApp.StartAsync(o => o.AllowRemoteClients = true, url: $"http://{host}:0");
        using var r = await app.Client.GetAsync("/debug/pprof/cmdline");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task SeparatePortServesTheEndpointsOnlyThere()
    {
        int port = FreePort();
        await using var app = await TestApp.StartAsync(o => o.Port = port);
        using (var r = await app.Client.GetAsync("/debug/pprof/cmdline"))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using (var r = await app.Client.GetAsync("/spin?ms=1"))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode); // the application still answers on its own port
        using var client = new HttpClient();
        using (var r = await client.GetAsync($"http://127.0.0.1:{port}/debug/pprof/cmdline"))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await client.GetAsync($"http://127.0.0.1:{port}/debug/vars"))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task ConcurrencyLimitAnswers429()
    {
        await using var app = await TestApp.StartAsync(o => o.ConcurrencyLimit = 1);
        // The first request must hold the endpoint's slot before the second arrives; when the second wins that race
        // (a busy machine), the attempt is repeated.
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var first = app.Client.GetAsync("/debug/pprof/wall?seconds=2");
            var guard = app.App.Services.GetRequiredService<Internal.EndpointGuard>();
            await Http.Eventually(() => guard.InUse("wall") == 1 || first.IsCompleted);
            using var second = await app.Client.GetAsync("/debug/pprof/wall?seconds=0.1");
            using var r = await first;
            if (second.StatusCode != HttpStatusCode.TooManyRequests) continue;
            await Http.AssertGoError(second, HttpStatusCode.TooManyRequests, "too many concurrent requests for this profile (limit 1, PprofOptions.ConcurrencyLimit)");
            await Http.AssertProfile(r, "wall");
            return;
        }
        Assert.Fail("a request over the concurrency limit never got 429 in 5 attempts");
    }

    [Fact]
    public void MapPprofWithoutAddPprofSaysWhatToDo()
    {
        var app = WebApplication.CreateBuilder().Build();
        var e = Assert.Throws<InvalidOperationException>(() => app.MapPprof());
        Assert.Contains("AddPprof", e.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Authenticates requests that carry <c>Authorization: Test ...</c>.</summary>
    private sealed class TestAuthHandler : AuthenticationHandler<AuthenticationSchemeOptions>
    {
        public const string SchemeName = "Test";

        public TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
            : base(options, logger, encoder)
        {
        }

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            string? header = Request.Headers.Authorization;
            if (header == null || !header.StartsWith("Test ", StringComparison.Ordinal)) return Task.FromResult(AuthenticateResult.NoResult());
            var identity = new ClaimsIdentity(new[] { new Claim(ClaimTypes.Name, "tester") }, SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
