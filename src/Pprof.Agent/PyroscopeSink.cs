namespace Pprof.Agent;

/// <summary>Pushes every batch to Grafana Pyroscope through a <see cref="PyroscopeClient"/>.</summary>
public sealed class PyroscopeSink : IProfileBatchSink
{
    private readonly PyroscopeClient _client;

    /// <summary>A sink pushing to the server of <paramref name="options"/>.</summary>
    public PyroscopeSink(PyroscopeOptions options) => _client = new PyroscopeClient(options);

    /// <summary>A sink pushing through <paramref name="client"/> (disposed with the sink).</summary>
    public PyroscopeSink(PyroscopeClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <inheritdoc/>
    public string Name => "pyroscope " + _client.BaseUrl;

    /// <summary>The client (to see whether it fell back to the legacy ingest).</summary>
    public PyroscopeClient Client => _client;

    /// <inheritdoc/>
    public Task WriteAsync(ProfileBatch batch, CancellationToken cancellationToken) => _client.PushAsync(batch, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();
}
