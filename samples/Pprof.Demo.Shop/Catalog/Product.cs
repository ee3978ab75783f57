namespace Pprof.Demo.Shop.Catalog;

/// <summary>A product of the catalog.</summary>
internal sealed record Product(int Id, string Sku, string Name, string Category, decimal Price, string[] Tags);
