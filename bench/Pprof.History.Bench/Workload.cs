using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Pprof.History.Bench;

/// <summary>A mixed workload (JSON, string building, sorting, dictionaries, LINQ) so the collected profiles have
/// many distinct stacks, as a web service's do.</summary>
internal static class Workload
{
    public static void Run(int seed, CancellationToken cancellationToken)
    {
        var rng = new Random(seed);
        while (!cancellationToken.IsCancellationRequested)
        {
            switch (rng.Next(5))
            {
                case 0: Json(rng); break;
                case 1: Strings(rng); break;
                case 2: Sort(rng); break;
                case 3: Dictionary(rng); break;
                default: Linq(rng); break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Json(Random rng)
    {
        var items = Enumerable.Range(0, 200).Select(i => new Item(i, "item" + i, rng.NextDouble())).ToList();
        string json = JsonSerializer.Serialize(items);
        return JsonSerializer.Deserialize<List<Item>>(json)!.Count;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Strings(Random rng)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) sb.Append(rng.Next()).Append(',');
        return sb.ToString().Split(',').Length;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Sort(Random rng)
    {
        var a = new int[20_000];
        for (int i = 0; i < a.Length; i++) a[i] = rng.Next();
        Array.Sort(a);
        return a[0];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Dictionary(Random rng)
    {
        var d = new Dictionary<string, int>();
        for (int i = 0; i < 5000; i++) d["k" + rng.Next(1000)] = i;
        return d.Count;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Linq(Random rng) =>
        Enumerable.Range(0, 10_000).Select(i => i * rng.Next(10)).Where(x => x % 3 == 0).GroupBy(x => x % 17).Count();

    public sealed record Item(int Id, string Name, double Price);
}
