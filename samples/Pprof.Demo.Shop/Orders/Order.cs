using Pprof.Demo.Shop.Pricing;

namespace Pprof.Demo.Shop.Orders;

/// <summary>A placed order.</summary>
internal sealed record Order(string Id, string CartId, PricedLine[] Lines, decimal Total, string PaymentReference, DateTime PlacedAt);
