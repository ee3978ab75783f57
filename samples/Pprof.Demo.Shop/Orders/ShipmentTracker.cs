using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Pprof.Demo.Shop.Faults;

namespace Pprof.Demo.Shop.Orders;

/// <summary>Follows an order until the warehouse confirms the shipment.
/// <para>The <c>async</c> fault: each checkout starts a tracker that awaits a confirmation callback which was never
/// wired up, so the <see cref="TaskCompletionSource{TResult}"/> is never completed and every tracker stays pending
/// forever — leaked async operations no thread dump shows. With the fault off the warehouse's callback is wired up (here:
/// simulated, confirming about 20 ms later).</para></summary>
internal sealed class ShipmentTracker
{
    /// <summary>Demo safety cap, not part of the bug: no more trackers are started while this many are pending.</summary>
    internal const int DemoSafetyCap = 3_000;

    private readonly ConcurrentDictionary<string, TaskCompletionSource<DateTime>> _awaitingConfirmation = new(StringComparer.Ordinal);
    private readonly FaultSwitches _faults;
    private long _confirmed;

    public ShipmentTracker(FaultSwitches faults) => _faults = faults;

    /// <summary>Trackers still waiting for a confirmation.</summary>
    public int Pending => _awaitingConfirmation.Count;

    /// <summary>Starts tracking <paramref name="order"/> in the background (fire and forget).</summary>
    public void StartTracking(Order order)
    {
        if (_awaitingConfirmation.Count >= DemoSafetyCap) return;
        _ = TrackShipmentAsync(order.Id);
        if (!_faults.IsOn(Fault.Async)) _ = ConfirmFromWarehouseAsync(order.Id);
    }

    /// <summary>Stands for the warehouse's webhook, which the fixed shop subscribes to.</summary>
    private async Task ConfirmFromWarehouseAsync(string orderId)
    {
        await Task.Delay(20).ConfigureAwait(false);
        Confirm(orderId);
    }

    /// <summary>The warehouse's callback. (With the <c>async</c> fault nothing ever calls it.)</summary>
    public bool Confirm(string orderId)
        => _awaitingConfirmation.TryRemove(orderId, out var tcs) && tcs.TrySetResult(DateTime.UtcNow);

    /// <summary>Shipments confirmed by the warehouse.</summary>
    public long Confirmed => Interlocked.Read(ref _confirmed);

    private async Task TrackShipmentAsync(string orderId)
    {
        DateTime shippedAt = await WaitForShipmentConfirmationAsync(orderId).ConfigureAwait(false);
        if (shippedAt != default) Interlocked.Increment(ref _confirmed);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<DateTime> WaitForShipmentConfirmationAsync(string orderId)
    {
        var confirmation = _awaitingConfirmation.GetOrAdd(orderId, static _ => new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously));
        return await confirmation.Task.ConfigureAwait(false);
    }
}
