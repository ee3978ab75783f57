using System.Runtime.CompilerServices;
using Pprof.Demo.Shop.Faults;

namespace Pprof.Demo.Shop.Pricing;

/// <summary>Coupons: <c>WELCOME10</c> takes 10 % off, <c>SAVE5</c> takes 5 off orders of 50 or more.
/// <para>The <c>exceptions</c> fault: validation throws <see cref="CouponRejectedException"/> for every cart without a
/// valid coupon — the ordinary case — and the caller catches it: exceptions as control flow, on every cart view.</para></summary>
internal sealed class CouponValidator
{
    private readonly FaultSwitches _faults;

    public CouponValidator(FaultSwitches faults) => _faults = faults;

    /// <summary>The discount <paramref name="coupon"/> gives on <paramref name="total"/>; 0 when it gives none.</summary>
    public decimal DiscountFor(string? coupon, decimal total)
    {
        if (!_faults.IsOn(Fault.Exceptions))
            return TryDiscount(coupon, total, out var discount) ? discount : 0m;
        try
        {
            return ValidateCoupon(coupon, total);
        }
        catch (CouponRejectedException)
        {
            return 0m;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static decimal ValidateCoupon(string? coupon, decimal total)
    {
        if (string.IsNullOrEmpty(coupon)) throw new CouponRejectedException("no coupon given");
        if (!TryDiscount(coupon, total, out var discount)) throw new CouponRejectedException($"coupon {coupon} does not apply");
        return discount;
    }

    private static bool TryDiscount(string? coupon, decimal total, out decimal discount)
    {
        discount = coupon switch
        {
            "WELCOME10" => Math.Round(total * 0.10m, 2),
            "SAVE5" when total >= 50m => 5m,
            _ => 0m,
        };
        return discount > 0;
    }
}
