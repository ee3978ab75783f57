using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Pprof.Demo.Shop.Cart;
using Pprof.Demo.Shop.Faults;

namespace Pprof.Demo.Shop.Pricing;

/// <summary>Prices carts: unit price × quantity, less the loyalty discount, less a coupon.
/// <para>The <c>cpu</c> fault: the loyalty tier is recomputed for every line by replaying the customer's whole
/// (simulated) purchase history in a hot loop. With the fault off the tier is computed once per customer and cached.</para></summary>
internal sealed class PriceCalculator
{
    /// <summary>Simulated purchases replayed per tier computation.</summary>
    internal const int PurchaseHistoryLength = 300_000;

    private readonly ConcurrentDictionary<string, double> _tierByCustomer = new(StringComparer.Ordinal);
    private readonly CouponValidator _coupons;
    private readonly FaultSwitches _faults;

    public PriceCalculator(CouponValidator coupons, FaultSwitches faults)
    {
        _coupons = coupons;
        _faults = faults;
    }

    public PricedCart Price(string cartId, IReadOnlyList<CartLine> lines, string? coupon)
    {
        var priced = new PricedLine[lines.Count];
        decimal total = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            decimal gross = line.UnitPrice * line.Quantity;
            double rate = _faults.IsOn(Fault.Cpu)
                ? ComputeLoyaltyDiscountRate(cartId)
                : _tierByCustomer.GetOrAdd(cartId, ComputeLoyaltyDiscountRate);
            decimal discount = Math.Round(gross * (decimal)rate, 2);
            priced[i] = new PricedLine(line.ProductId, line.Name, line.Quantity, line.UnitPrice, discount, gross - discount);
            total += gross - discount;
        }
        decimal couponDiscount = _coupons.DiscountFor(coupon, total);
        if (_tierByCustomer.Count > 10_000) _tierByCustomer.Clear();
        return new PricedCart(cartId, priced, coupon, couponDiscount, total - couponDiscount);
    }

    /// <summary>The customer's loyalty discount rate (0 to 15 %), from a replay of their purchase history: an
    /// exponentially weighted spend score over every past purchase. Deliberately expensive.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static double ComputeLoyaltyDiscountRate(string customerId)
    {
        uint seed = (uint)customerId.GetHashCode(StringComparison.Ordinal) | 1;
        double score = 0;
        for (int purchase = 0; purchase < PurchaseHistoryLength; purchase++)
        {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            double amount = (seed % 10_000) / 100.0;
            score = score * 0.9995 + Math.Sqrt(amount);
        }
        return Math.Min(0.15, score / 100_000.0);
    }
}
