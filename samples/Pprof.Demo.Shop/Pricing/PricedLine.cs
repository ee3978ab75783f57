namespace Pprof.Demo.Shop.Pricing;

/// <summary>A cart line with its discount and total.</summary>
internal sealed record PricedLine(int ProductId, string Name, int Quantity, decimal UnitPrice, decimal Discount, decimal Total);
