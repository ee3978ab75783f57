using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pprof.Cli.Driver;

/// <summary>TLS settings for HTTPS sources from <c>-tls_cert</c>, <c>-tls_key</c> and <c>-tls_ca</c> (pprof's transport).</summary>
internal static class Tls
{
    /// <summary>Builds the client options; throws <see cref="PprofException"/> with pprof's wording for bad settings.</summary>
    public static SslClientAuthenticationOptions ClientOptions(ProfileSource s, bool insecure)
    {
        var options = new SslClientAuthenticationOptions();
        if (s.TlsCert.Length > 0 && s.TlsKey.Length > 0)
        {
            try
            {
                var cert = X509Certificate2.CreateFromPemFile(s.TlsCert, s.TlsKey);
                options.ClientCertificates = new X509CertificateCollection { cert };
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new PprofException($"could not load certificate/key pair specified by -tls_cert and -tls_key: {e.Message}");
            }
        }
        else if (s.TlsCert.Length == 0 && s.TlsKey.Length > 0)
        {
            throw new PprofException("-tls_key is specified, so -tls_cert must also be specified");
        }
        else if (s.TlsCert.Length > 0 && s.TlsKey.Length == 0)
        {
            throw new PprofException("-tls_cert is specified, so -tls_key must also be specified");
        }

        if (insecure)
        {
            options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (s.TlsCa.Length > 0)
        {
            var roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPemFile(s.TlsCa);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new PprofException($"could not load CA specified by -tls_ca: {e.Message}");
            }
            options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate == null) return false;
                if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }
        return options;
    }
}
