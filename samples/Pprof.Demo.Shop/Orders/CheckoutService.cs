using Pprof.Demo.Shop.Cart;
using Pprof.Demo.Shop.Faults;
using Pprof.Demo.Shop.Pricing;

namespace Pprof.Demo.Shop.Orders;

/// <summary>Turns a cart into an order: price, authorise the payment, store the order, start shipment tracking.</summary>
internal sealed class CheckoutService
{
    private readonly CartStore _carts;
    private readonly PriceCalculator _prices;
    private readonly PaymentGateway _payments;
    private readonly OrderStore _orders;
    private readonly ShipmentTracker _shipments;
    private readonly FaultSwitches _faults;
    private long _nextOrder;

    public CheckoutService(CartStore carts, PriceCalculator prices, PaymentGateway payments, OrderStore orders, ShipmentTracker shipments, FaultSwitches faults)
    {
        _carts = carts;
        _prices = prices;
        _payments = payments;
        _orders = orders;
        _shipments = shipments;
        _faults = faults;
    }

    /// <summary>The order, or null when the cart is empty.</summary>
    public async Task<Order?> CheckoutAsync(string cartId, string? coupon, CancellationToken cancellationToken)
    {
        var lines = _carts.GetOrCreate(cartId).TakeAll();
        _carts.Remove(cartId);
        if (lines.Length == 0) return null;
        var priced = _prices.Price(cartId, lines, coupon);
        string payment = _faults.IsOn(Fault.SyncOverAsync)
            ? _payments.AuthorizeBlocking(cartId, priced.Total)
            : await _payments.AuthorizeAsync(cartId, priced.Total, cancellationToken).ConfigureAwait(false);
        var order = new Order($"ORD-{Interlocked.Increment(ref _nextOrder):D8}", cartId, priced.Lines, priced.Total, payment, DateTime.UtcNow);
        _orders.Add(order);
        _shipments.StartTracking(order);
        return order;
    }
}
