namespace Pprof.Demo.Shop.Pricing;

/// <summary>Thrown by coupon validation (with the <c>exceptions</c> fault on, for every ordinary case too).</summary>
internal sealed class CouponRejectedException : Exception
{
    public CouponRejectedException(string message) : base(message)
    {
    }
}
