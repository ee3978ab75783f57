using System.Text;
using Pprof.Demo.Shop.Faults;

namespace Pprof.Demo.Shop.Catalog;

/// <summary>Recommendations for product pages.
/// <para>The <c>leak</c> fault: to "personalise" them, results are cached per visitor and product in a static dictionary
/// that nothing ever evicts, so every new visitor grows the heap for the life of the process. The fix is to key by
/// product only (bounded by the catalog), which is what happens with the fault off.</para></summary>
internal sealed class RecommendationCache
{
    /// <summary>Demo safety cap, not part of the bug: the leak stops growing at this many entries (about 60 MB) so that a
    /// shop left running cannot exhaust the machine.</summary>
    internal const int DemoSafetyCap = 40_000;

    private static readonly Dictionary<string, RecommendationSet> s_byVisitorAndProduct = new(StringComparer.Ordinal);
    private static readonly object s_gate = new();

    private readonly Dictionary<int, RecommendationSet> _byProduct = new();
    private readonly ProductCatalog _catalog;
    private readonly FaultSwitches _faults;

    public RecommendationCache(ProductCatalog catalog, FaultSwitches faults)
    {
        _catalog = catalog;
        _faults = faults;
    }

    /// <summary>Entries in the per-visitor cache (what the leak grows).</summary>
    public static int PersonalisedEntries
    {
        get { lock (s_gate) return s_byVisitorAndProduct.Count; }
    }

    /// <summary>The recommendations shown on <paramref name="product"/>'s page for <paramref name="visitorId"/>.</summary>
    public RecommendationSet For(Product product, string visitorId)
    {
        if (_faults.IsOn(Fault.Leak))
        {
            string key = string.Concat(visitorId, ":", product.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            lock (s_gate)
            {
                if (s_byVisitorAndProduct.TryGetValue(key, out var cached)) return cached;
                var computed = Compute(product, visitorId);
                if (s_byVisitorAndProduct.Count < DemoSafetyCap) s_byVisitorAndProduct[key] = computed;
                return computed;
            }
        }
        lock (_byProduct)
        {
            if (!_byProduct.TryGetValue(product.Id, out var set))
            {
                set = Compute(product, visitorId: "");
                _byProduct[product.Id] = set;
            }
            return set;
        }
    }

    private RecommendationSet Compute(Product product, string visitorId)
    {
        var candidates = _catalog.SameCategory(product);
        var items = new Product[Math.Min(4, candidates.Count - 1)];
        int start = (product.Id * 7 + visitorId.Length) % candidates.Count;
        for (int i = 0, j = start; i < items.Length; j++)
        {
            var candidate = candidates[j % candidates.Count];
            if (candidate.Id != product.Id) items[i++] = candidate;
        }
        var html = new StringBuilder(768);
        html.Append("<section class=\"also-bought\" data-visitor=\"").Append(visitorId).Append("\">");
        foreach (var p in items)
        {
            html.Append("<article data-sku=\"").Append(p.Sku).Append("\"><h3>").Append(p.Name).Append("</h3><p class=\"price\">")
                .Append(p.Price.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture))
                .Append("</p><a href=\"/products/").Append(p.Id).Append("\">View</a></article>");
        }
        html.Append("</section>");
        return new RecommendationSet(product.Id, visitorId, items, html.ToString());
    }
}
