namespace Pprof.Demo.Shop.Pricing;

/// <summary>A priced cart.</summary>
internal sealed record PricedCart(string CartId, PricedLine[] Lines, string? Coupon, decimal CouponDiscount, decimal Total);
