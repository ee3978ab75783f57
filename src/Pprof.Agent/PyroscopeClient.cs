using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Pprof.Agent.Internal;
using Pprof.Profiles;

namespace Pprof.Agent;

/// <summary>A client of Grafana Pyroscope: pushes batches with the push API (<c>/push.v1.PusherService/Push</c>, the
/// Connect protocol, one <c>RawProfileSeries</c> per profile labelled <c>__name__</c>, <c>service_name</c> and the
/// batch's labels, the gzipped pprof as <c>raw_profile</c>), falling back for good to the legacy <c>/ingest</c>
/// multipart form when the server has no push API (404 or Connect <c>unimplemented</c>); reads merged profiles back
/// with <c>/querier.v1.QuerierService/SelectMergeProfile</c>. Failed requests (network errors, timeouts, 429, 5xx) are
/// retried with exponential backoff, a bounded number of times. Thread-safe.</summary>
public sealed class PyroscopeClient : IDisposable
{
    /// <summary>The largest answer read (a merged profile): 256 MiB.</summary>
    public const long MaxResponseBytes = 256L << 20;

    private const string PushPath = "/push.v1.PusherService/Push";
    private const string SelectMergeProfilePath = "/querier.v1.QuerierService/SelectMergeProfile";
    private readonly PyroscopeOptions _options;
    private readonly HttpClient _http;
    private readonly string _base;
    private readonly AuthenticationHeaderValue? _auth;
    private volatile bool _legacy;

    /// <summary>Creates a client for <see cref="PyroscopeOptions.Url"/> (required: http or https).</summary>
    /// <param name="options">The server and how to talk to it.</param>
    /// <param name="handler">The HTTP handler to use (tests, proxies); null: a pooled <see cref="SocketsHttpHandler"/>.</param>
    public PyroscopeClient(PyroscopeOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = options.Url ?? throw new ArgumentException("PyroscopeOptions.Url is required", nameof(options));
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"invalid Pyroscope URL \"{url}\" (an http:// or https:// URL, e.g. http://localhost:4040)", nameof(options));
        if (options.Timeout <= TimeSpan.Zero) throw new ArgumentException("PyroscopeOptions.Timeout must be positive", nameof(options));
        if (options.MaxRetries < 0) throw new ArgumentException("PyroscopeOptions.MaxRetries must not be negative", nameof(options));
        _options = options;
        _legacy = options.UseLegacyIngest;
        _base = url.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (url.UserInfo.Length > 0) _base = new UriBuilder(url) { UserName = "", Password = "", Query = "", Fragment = "" }.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        string? user = options.BasicAuthUser, password = options.BasicAuthPassword;
        if (user == null && url.UserInfo.Length > 0)
        {
            int colon = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? url.UserInfo : url.UserInfo[..colon]);
            password ??= colon < 0 ? "" : Uri.UnescapeDataString(url.UserInfo[(colon + 1)..]);
        }
        if (user != null) _auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + (password ?? ""))));
        else if (options.BearerToken != null) _auth = new AuthenticationHeaderValue("Bearer", options.BearerToken);
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = options.Timeout }, disposeHandler: true)
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = MaxResponseBytes,
        };
    }

    /// <summary>The server's base URL, without user info.</summary>
    public string BaseUrl => _base;

    /// <summary>Whether pushes go to the legacy <c>/ingest</c> endpoint (chosen by the options, or after the server
    /// answered that it has no push API).</summary>
    public bool UsesLegacyIngest => _legacy;

    /// <summary>Sends the batch's profiles. Throws <see cref="HttpRequestException"/> when the server refuses them or
    /// cannot be reached after the retries, <see cref="OperationCanceledException"/> when cancelled.</summary>
    public async Task PushAsync(ProfileBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Profiles.Count == 0) return;
        if (!_legacy)
        {
            var series = batch.Profiles.Select(p => new PushSeries(SeriesLabels(batch, p.Type), Gzipped(p.Profile), Guid.NewGuid().ToString())).ToArray();
            byte[] body = PushMessages.EncodePushRequest(series);
            var answer = await SendAsync(() =>
            {
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/proto");
                return new HttpRequestMessage(HttpMethod.Post, _base + PushPath) { Content = content };
            }, connect: true, cancellationToken).ConfigureAwait(false);
            if (!answer.Unimplemented) return;
            _legacy = true;
        }
        foreach (var p in batch.Profiles) await IngestAsync(batch, p, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>All profiles of type <paramref name="profileTypeId"/> (a full id such as
    /// <c>process_cpu:cpu:nanoseconds:cpu:nanoseconds</c>, or a kind such as <c>cpu</c>, see
    /// <see cref="PyroscopeProfileTypes.ProfileTypeId"/>) matching <paramref name="labelSelector"/> (for example
    /// <c>{service_name="shop"}</c>) between <paramref name="from"/> and <paramref name="to"/>, merged by the server into
    /// one profile. Throws <see cref="HttpRequestException"/> when the server refuses the query,
    /// <see cref="ProfileFormatException"/> when its answer is not a profile.</summary>
    public async Task<Profile> SelectMergeProfileAsync(string profileTypeId, string labelSelector, DateTime from, DateTime to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profileTypeId);
        ArgumentNullException.ThrowIfNull(labelSelector);
        string id = PyroscopeProfileTypes.ProfileTypeId(profileTypeId)
            ?? throw new ArgumentException($"unknown profile type \"{profileTypeId}\" (a kind: {string.Join(", ", PyroscopeProfileTypes.Known)}, or NAME:SAMPLE_TYPE:UNIT:PERIOD_TYPE:PERIOD_UNIT)", nameof(profileTypeId));
        byte[] body = PushMessages.EncodeSelectMergeProfileRequest(id, labelSelector, UnixMillis(from), UnixMillis(to));
        var answer = await SendAsync(() =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/proto");
            return new HttpRequestMessage(HttpMethod.Post, _base + SelectMergeProfilePath) { Content = content };
        }, connect: true, cancellationToken, readBody: true).ConfigureAwait(false);
        if (answer.Unimplemented) throw new HttpRequestException($"{_base} has no query API ({SelectMergeProfilePath}): is it Grafana Pyroscope 1.0 or newer?", null, HttpStatusCode.NotFound);
        return Profile.Parse(answer.Body);
    }

    /// <summary>Closes the connections.</summary>
    public void Dispose() => _http.Dispose();

    private async Task IngestAsync(ProfileBatch batch, BatchProfile p, CancellationToken ct)
    {
        var name = new StringBuilder(LabelValue(batch.Service, legacy: true)).Append('{');
        bool first = true;
        foreach (var kv in OrderedLabels(batch))
        {
            if (!first) name.Append(',');
            first = false;
            name.Append(LabelName(kv.Key)).Append('=').Append(LabelValue(kv.Value, legacy: true));
        }
        name.Append('}');
        var inv = CultureInfo.InvariantCulture;
        long from = new DateTimeOffset(DateTime.SpecifyKind(batch.Start, DateTimeKind.Utc)).ToUnixTimeSeconds();
        long until = Math.Max(from + 1, new DateTimeOffset(DateTime.SpecifyKind(batch.Start + batch.Duration, DateTimeKind.Utc)).ToUnixTimeSeconds());
        string url = $"{_base}/ingest?name={Uri.EscapeDataString(name.ToString())}&from={from.ToString(inv)}&until={until.ToString(inv)}&format=pprof&spyName=dotnetspy";
        var raw = Gzipped(p.Profile).ToArray();
        string? config = SampleTypeConfig(p.Type);
        var answer = await SendAsync(() =>
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(raw);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "profile", "profile.pprof");
            if (config != null)
            {
                var json = new ByteArrayContent(Encoding.UTF8.GetBytes(config));
                json.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                form.Add(json, "sample_type_config", "sample_type_config.json");
            }
            return new HttpRequestMessage(HttpMethod.Post, url) { Content = form };
        }, connect: false, ct).ConfigureAwait(false);
        if (answer.Unimplemented) throw new HttpRequestException($"{_base} has neither the push API nor /ingest: is it a Pyroscope server?", null, HttpStatusCode.NotFound);
    }

    /// <summary>The legacy ingest derives the profile's name from its sample types: name the ones it would not
    /// recognise (mutex and block delays).</summary>
    private static string? SampleTypeConfig(string type) => type switch
    {
        "mutex" => "{\"contentions\":{\"display-name\":\"mutex_count\",\"units\":\"lock_samples\"},\"delay\":{\"display-name\":\"mutex_duration\",\"units\":\"lock_nanoseconds\"}}",
        "block" => "{\"contentions\":{\"display-name\":\"block_count\",\"units\":\"lock_samples\"},\"delay\":{\"display-name\":\"block_duration\",\"units\":\"lock_nanoseconds\"}}",
        _ => null,
    };

    private readonly record struct Answer(bool Unimplemented, byte[] Body);

    private async Task<Answer> SendAsync(Func<HttpRequestMessage> make, bool connect, CancellationToken ct, bool readBody = false)
    {
        for (int attempt = 0; ; attempt++)
        {
            string failure;
            HttpStatusCode? status = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(_options.Timeout);
                using var request = make();
                if (connect) request.Headers.Add("Connect-Protocol-Version", "1");
                if (_auth != null) request.Headers.Authorization = _auth;
                if (_options.TenantId != null) request.Headers.TryAddWithoutValidation("X-Scope-OrgID", _options.TenantId);
                foreach (var h in _options.Headers)
                {
                    if (!request.Headers.TryAddWithoutValidation(h.Key, h.Value)) request.Content?.Headers.TryAddWithoutValidation(h.Key, h.Value);
                }
                try
                {
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                    status = response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        byte[] body = readBody ? await ReadBoundedAsync(response.Content, MaxResponseBytes, timeout.Token).ConfigureAwait(false) : Array.Empty<byte>();
                        return new Answer(false, body);
                    }
                    string text = Encoding.UTF8.GetString(await ReadBoundedAsync(response.Content, 4096, timeout.Token, truncate: true).ConfigureAwait(false));
                    bool unimplemented = response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.NotImplemented
                        || text.Contains("\"unimplemented\"", StringComparison.Ordinal);
                    if (unimplemented) return new Answer(true, Array.Empty<byte>());
                    failure = $"{(int)response.StatusCode} {response.ReasonPhrase}: {OneLine(text)}";
                    if (!Retryable(response.StatusCode)) throw new HttpRequestException($"{request.RequestUri?.GetLeftPart(UriPartial.Path)}: {failure}", null, response.StatusCode);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    failure = $"no answer within {_options.Timeout.TotalSeconds:0.#}s";
                }
                catch (HttpRequestException e) when (e.StatusCode == null)
                {
                    failure = e.Message;
                }
            }
            if (attempt >= _options.MaxRetries)
                throw new HttpRequestException($"{_base}: {failure} (after {attempt + 1} attempts)", null, status);
            double ms = Math.Min(_options.MaxRetryDelay.TotalMilliseconds, _options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt));
            await Task.Delay(TimeSpan.FromMilliseconds(ms * (0.8 + 0.4 * Random.Shared.NextDouble())), ct).ConfigureAwait(false);
        }
    }

    private static bool Retryable(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, long max, CancellationToken ct, bool truncate = false)
    {
        if (!truncate && content.Headers.ContentLength > max) throw new HttpRequestException($"the answer is larger than {max} bytes");
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            int n = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, max - buffer.Length + 1)), ct).ConfigureAwait(false);
            if (n == 0) break;
            buffer.Write(chunk, 0, n);
            if (buffer.Length > max)
            {
                if (truncate) return buffer.ToArray().AsSpan(0, (int)max).ToArray();
                throw new HttpRequestException($"the answer is larger than {max} bytes");
            }
        }
        return buffer.ToArray();
    }

    private static string OneLine(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private static ReadOnlyMemory<byte> Gzipped(Profile p)
    {
        using var m = new MemoryStream();
        p.Write(m);
        return m.GetBuffer().AsMemory(0, (int)m.Length);
    }

    private static long UnixMillis(DateTime t) => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    /// <summary>The series labels of one profile: <c>__name__</c>, <c>service_name</c>, <c>__delta__="false"</c> (the
    /// profiles are deltas already), then the batch's labels sorted by name.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> SeriesLabels(ProfileBatch batch, string type)
    {
        var labels = new List<KeyValuePair<string, string>>
        {
            new("__name__", PyroscopeProfileTypes.MetricName(type)),
            new("service_name", LabelValue(batch.Service, legacy: false)),
            new("__delta__", "false"),
        };
        foreach (var kv in OrderedLabels(batch)) labels.Add(new(LabelName(kv.Key), LabelValue(kv.Value, legacy: false)));
        return labels;
    }

    private static IEnumerable<KeyValuePair<string, string>> OrderedLabels(ProfileBatch batch)
        => batch.Labels.Where(kv => kv.Key is not ("service_name" or "__name__" or "__delta__")).OrderBy(kv => kv.Key, StringComparer.Ordinal);

    /// <summary>A label name as Pyroscope accepts it (Prometheus style): other characters than letters, digits and
    /// underscores become underscores, and a leading digit gets one before it.</summary>
    public static string LabelName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length + 1);
        foreach (char c in name) sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        if (sb.Length == 0 || char.IsAsciiDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }

    /// <summary>Label values are free text for the push API; the legacy name syntax (<c>app{k=v,…}</c>) cannot carry
    /// <c>{ } , =</c>.</summary>
    private static string LabelValue(string value, bool legacy)
    {
        if (!legacy) return value;
        var sb = new StringBuilder(value.Length);
        foreach (char c in value) sb.Append(c is '{' or '}' or ',' or '=' || char.IsControl(c) ? '_' : c);
        return sb.ToString();
    }
}
