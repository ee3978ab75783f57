using System.Globalization;
using System.Net.Http.Headers;

namespace Pprof.Runtime.Watch;

/// <summary>Uploads each profile with an HTTP POST as <c>multipart/form-data</c>: the fields <c>kind</c> (cpu,
/// retention, goroutine, ...), <c>time</c> (when the rule fired, UTC, ISO 8601), <c>reason</c> (the rule and its
/// values, e.g. <c>cpu value=83 average=12</c>) and <c>trigger</c>, and the file <c>profile</c> (the gzipped
/// profile.proto, named <c>&lt;kind&gt;.&lt;yyyyMMddHHmmss.fff&gt;.pb.gz</c>). Each attempt has a
/// <see cref="Timeout"/>; a failed attempt (no connection, a timeout, a 5xx or 429 answer) is retried up to
/// <see cref="MaxAttempts"/> in all, with a growing delay; any other answer that is not 2xx fails at once. A failure
/// throws <see cref="HttpRequestException"/>, which the watchdog logs before going on.</summary>
public sealed class HttpWatchdogReporter : IWatchdogReporter, IDisposable
{
    private readonly HttpClient _client;
    private readonly bool _ownsClient;

    /// <summary>Posts to <paramref name="url"/> (http or https) with a client of its own.</summary>
    public HttpWatchdogReporter(Uri url)
        : this(url, new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan }, ownsClient: true)
    {
    }

    /// <summary>Posts to <paramref name="url"/> with <paramref name="client"/> (for its handler: proxies,
    /// certificates, authentication headers), which is not disposed.</summary>
    public HttpWatchdogReporter(Uri url, HttpClient client)
        : this(url, client, ownsClient: false)
    {
    }

    private HttpWatchdogReporter(Uri url, HttpClient client, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(client);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException("want an absolute http:// or https:// URL", nameof(url));
        Url = url;
        _client = client;
        _ownsClient = ownsClient;
    }

    /// <summary>Where profiles are posted.</summary>
    public Uri Url { get; }

    /// <summary>How long one attempt may take. Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per profile, the first included. Default 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Delay before the second attempt; doubled before each later one. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc/>
    public async Task ReportAsync(WatchdogDump dump, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dump);
        int attempts = Math.Max(1, MaxAttempts);
        var delay = RetryDelay;
        for (int attempt = 1; ; attempt++)
        {
            string failure;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(Timeout);
                try
                {
                    using var content = Content(dump);
                    using var response = await _client.PostAsync(Url, content, timeout.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode) return;
                    int status = (int)response.StatusCode;
                    failure = string.Create(CultureInfo.InvariantCulture, $"{Url} answered {status} {response.ReasonPhrase}");
                    if (status < 500 && status != 429) throw new HttpRequestException(failure, null, response.StatusCode);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = string.Create(CultureInfo.InvariantCulture, $"{Url} did not answer within {Timeout.TotalSeconds:0.###} s");
                }
                catch (HttpRequestException e) when (e.StatusCode == null)
                {
                    failure = $"{Url}: {e.Message}";
                }
            }
            if (attempt >= attempts) throw new HttpRequestException(string.Create(CultureInfo.InvariantCulture, $"upload of {dump.FileName} failed after {attempt} attempts: {failure}"));
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay *= 2;
        }
    }

    /// <summary>The multipart body of <paramref name="dump"/>.</summary>
    internal static MultipartFormDataContent Content(WatchdogDump dump)
    {
        var form = new MultipartFormDataContent();
        form.Add(new StringContent(dump.Kind), "kind");
        form.Add(new StringContent(dump.Time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)), "time");
        form.Add(new StringContent(Watchdog.Name(dump.Trigger)), "trigger");
        form.Add(new StringContent(string.Create(CultureInfo.InvariantCulture, $"{Watchdog.Name(dump.Trigger)} value={dump.Value} average={dump.Average}")), "reason");
        var file = new ByteArrayContent(dump.Profile);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "profile", dump.FileName);
        return form;
    }

    /// <summary>Disposes the client when it is the reporter's own.</summary>
    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
    }
}
