using System.Net.Http.Json;

namespace Pprof.Demo;

/// <summary>Shoppers: concurrent loops that each play visitor sessions against the shop — browse, open product pages,
/// add to the cart, view it, check out — until stopped.</summary>
internal sealed class ShopLoad : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;
    private long _requests;
    private long _failures;
    private string? _firstFailure;

    /// <summary>Starts <paramref name="loops"/> shoppers against <paramref name="baseUrl"/>.</summary>
    public ShopLoad(string baseUrl, int loops)
    {
        _client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };
        _loops = Enumerable.Range(0, loops).Select(i => Task.Run(() => ShopAsync(i, _stop.Token))).ToArray();
    }

    /// <summary>Requests answered so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests that failed (not 2xx, or no answer).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>What went wrong first, if anything did.</summary>
    public string? FirstFailure => Volatile.Read(ref _firstFailure);

    private async Task ShopAsync(int shopper, CancellationToken ct)
    {
        var random = new Random(shopper * 7919 + 17);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                string visitor = Guid.NewGuid().ToString("N");
                await SendAsync(HttpMethod.Get, $"/api/products?page={random.Next(1, 6)}", null, ct).ConfigureAwait(false);
                for (int i = 0; i < 8; i++)
                {
                    int product = random.Next(1, 121);
                    await SendAsync(HttpMethod.Get, $"/api/products/{product}?visitor={visitor}", null, ct).ConfigureAwait(false);
                    if (i % 4 == 0)
                        await SendAsync(HttpMethod.Post, $"/api/cart/{visitor}/items", JsonContent.Create(new { productId = product, quantity = random.Next(1, 4) }), ct).ConfigureAwait(false);
                }
                await SendAsync(HttpMethod.Get, $"/api/cart/{visitor}", null, ct).ConfigureAwait(false);
                string coupon = random.Next(4) == 0 ? "?coupon=WELCOME10" : "";
                await SendAsync(HttpMethod.Post, $"/api/cart/{visitor}/checkout{coupon}", null, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _failures);
                Interlocked.CompareExchange(ref _firstFailure, e.Message, null);
                await Task.Delay(200, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await _client.SendAsync(request, ct).ConfigureAwait(false);
        await response.Content.LoadIntoBufferAsync(ct).ConfigureAwait(false);
        Interlocked.Increment(ref _requests);
        if (!response.IsSuccessStatusCode)
        {
            Interlocked.Increment(ref _failures);
            Interlocked.CompareExchange(ref _firstFailure, $"{method} {path}: {(int)response.StatusCode} {response.ReasonPhrase}", null);
        }
    }

    /// <summary>Stops the shoppers and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) _stop.Cancel();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // a request stuck in a dying shop: the client's disposal below aborts it
        }
        _client.Dispose();
        _stop.Dispose();
    }
}
