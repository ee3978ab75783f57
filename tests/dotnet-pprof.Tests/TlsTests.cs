using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pprof.Cli.Tests;

/// <summary><c>-tls_ca</c>, <c>-tls_cert</c> and <c>-tls_key</c>: the real CLI fetches a profile over HTTPS from a
/// real Kestrel server whose certificates are made in the test.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("pprof-tls").FullName;
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _server;
    private readonly X509Certificate2 _client;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public TlsTests()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=pprof test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _ca = caRequest.CreateSelfSigned(_now.AddMinutes(-5), _now.AddDays(1));
        _server = Issue("CN=127.0.0.1", serverAuth: true);
        _client = Issue("CN=pprof test client", serverAuth: false);
        File.WriteAllText(Path.Combine(_tmp, "ca.pem"), _ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_tmp, "client.pem"), _client.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_tmp, "client.key"), _client.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        _ca.Dispose();
        _server.Dispose();
        _client.Dispose();
        Directory.Delete(_tmp, recursive: true);
    }

    private string Pem(string name) => Path.Combine(_tmp, name);

    private Dictionary<string, string> Env => new() { ["PPROF_TMPDIR"] = _tmp };

    /// <summary>A certificate for <paramref name="subject"/> signed by the test CA, with its private key.</summary>
    private X509Certificate2 Issue(string subject, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }
        using var signed = request.Create(_ca, _now.AddMinutes(-5), _now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Serves the conformance pack's cpu.pb.gz at /debug/pprof/profile over HTTPS on a loopback port; with
    /// <paramref name="requireClientCertificate"/> only to clients presenting the test client certificate.</summary>
    private async Task<(WebApplication App, string url, List<string> ClientCertificates)> StartServer(bool requireClientCertificate)
    {
        var seen = new List<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = _server,
            ClientCertificateMode = requireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate,
            ClientCertificateValidation = (certificate, _, _) => certificate.Thumbprint == _client.Thumbprint,
        })));
        var app = builder.Build();
        app.MapGet("/debug/pprof/profile", async (HttpContext ctx) =>
        {
            var presented = await ctx.Connection.GetClientCertificateAsync();
            lock (seen) seen.Add(presented?.Subject ?? "");
            ctx.Response.ContentType = "application/octet-stream";
            await ctx.Response.Body.WriteAsync(await File.ReadAllBytesAsync(ConformancePack.Profile("cpu.pb.gz")));
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/debug/pprof/profile", seen);
    }

    [Fact]
    public async Task TlsCaTrustsTheServersIssuer()
    {
        var (app, url, _) = await StartServer(requireClientCertificate: false);
        await using var host = app;
        var r = CliRunner.Run(["-symbolize=none", "-top", "-tls_ca", Pem("ca.pem"), url], env: Env);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.StartsWith("File: testbinary\nType: cpu\n", r.StdoutText);
        Assert.Contains("     1.10s 98.21% 98.21%      1.10s 98.21%  line1000\n", r.StdoutText);
        Assert.StartsWith($"Fetching profile over HTTP from {url}\n", r.Stderr);
    }

    [Fact]
    public async Task WithoutTlsCaTheSelfSignedServerIsRejectedInGosWords()
    {
        var (app, url, seen) = await StartServer(requireClientCertificate: false);
        await using var host = app;
        var r = CliRunner.Run(["-symbolize=none", "-top", url], env: Env);
        Assert.Equal(1, r.ExitCode);
        Assert.Empty(r.Stdout);
        Assert.StartsWith($"Fetching profile over HTTP from {url}\n", r.Stderr);
        Assert.Contains($"{url}: Get \"{url}\": x509: certificate signed by unknown authority\n", r.Stderr);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task ClientCertificateFromTlsCertAndTlsKeyIsPresented()
    {
        var (app, url, seen) = await StartServer(requireClientCertificate: true);
        await using var host = app;
        var r = CliRunner.Run(["-symbolize=none", "-top", "-tls_ca", Pem("ca.pem"), "-tls_cert", Pem("client.pem"),
            "-tls_key", Pem("client.key"), url], env: Env);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("     1.10s 98.21% 98.21%      1.10s 98.21%  line1000\n", r.StdoutText);
        Assert.Equal(["CN=pprof test client"], seen);

        // Without the client certificate the server refuses the connection.
        var refused = CliRunner.Run(["-symbolize=none", "-top", "-tls_ca", Pem("ca.pem"), url], env: Env);
        Assert.Equal(1, refused.ExitCode);
        Assert.Empty(refused.Stdout);
        Assert.Contains($"{url}: Get \"{url}\": ", refused.Stderr);
        Assert.Single(seen);
    }

    [Fact]
    public void IncompleteOrUnreadableTlsSettingsAreOneClearError()
    {
        const string url = "https://127.0.0.1:1/debug/pprof/profile";
        var r = CliRunner.Run(["-top", "-tls_key", Pem("client.key"), url], env: Env);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("-tls_key is specified, so -tls_cert must also be specified", r.Stderr);
        r = CliRunner.Run(["-top", "-tls_cert", Pem("client.pem"), url], env: Env);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("-tls_cert is specified, so -tls_key must also be specified", r.Stderr);
        r = CliRunner.Run(["-top", "-tls_cert", Pem("client.pem"), "-tls_key", Pem("missing.key"), url], env: Env);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("could not load certificate/key pair specified by -tls_cert and -tls_key: ", r.Stderr);
        r = CliRunner.Run(["-top", "-tls_ca", Pem("missing.pem"), url], env: Env);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("could not load CA specified by -tls_ca: ", r.Stderr);
    }
}
