using System.Runtime.CompilerServices;

namespace Pprof.Demo.Shop.Orders;

/// <summary>The payment provider's client. Authorisation is a remote call (simulated: about 5 ms of latency).</summary>
internal sealed class PaymentGateway
{
    private long _next;

    /// <summary>Authorises a payment, asynchronously.</summary>
    public async Task<string> AuthorizeAsync(string cartId, decimal amount, CancellationToken cancellationToken = default)
    {
        await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        return $"PAY-{Interlocked.Increment(ref _next):D8}-{(amount > 0 ? "OK" : "ZERO")}";
    }

    /// <summary>The <c>sync-over-async</c> fault: a synchronous wrapper kept "for the legacy checkout path" that blocks a
    /// thread-pool thread on <c>.Result</c> for the whole remote call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public string AuthorizeBlocking(string cartId, decimal amount) => AuthorizeAsync(cartId, amount).Result;
}
