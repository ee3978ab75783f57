namespace Pprof.Agent;

/// <summary>How to reach a Grafana Pyroscope server (for example <c>http://localhost:4040</c>, or Grafana Cloud's
/// profiles URL).</summary>
public sealed class PyroscopeOptions
{
    /// <summary>The server's base URL; a path prefix is kept. User info (<c>http://user:password@host:4040</c>) is sent
    /// as basic authentication.</summary>
    public Uri? Url { get; set; }

    /// <summary>Basic authentication user (overrides the URL's). Grafana Cloud: the stack's user id.</summary>
    public string? BasicAuthUser { get; set; }

    /// <summary>Basic authentication password (overrides the URL's). Grafana Cloud: an access token.</summary>
    public string? BasicAuthPassword { get; set; }

    /// <summary>A bearer token (<c>Authorization: Bearer …</c>), used when no basic authentication is given.</summary>
    public string? BearerToken { get; set; }

    /// <summary>The tenant of a multi-tenant Pyroscope, sent as the <c>X-Scope-OrgID</c> header.</summary>
    public string? TenantId { get; set; }

    /// <summary>Extra headers sent with every request.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Time allowed for each request (connect, send, answer). Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after a failed request (network error, timeout, 429 or 5xx), with exponential backoff. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles it, up to <see cref="MaxRetryDelay"/>. Default 500 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between two attempts. Default 10 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Never try the push API (<c>/push.v1.PusherService/Push</c>); use the legacy <c>/ingest</c> endpoint
    /// (older Pyroscope servers). By default the client switches to it by itself when the push API is missing.</summary>
    public bool UseLegacyIngest { get; set; }
}
