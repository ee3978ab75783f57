using Pprof.Profiles;
using Pprof.Runtime.Heap;
using static Pprof.Runtime.Tests.ProfileAssert;

namespace Pprof.Runtime.Tests;

/// <summary>One spelling of a type in every profile: the allocs profile (from allocation events) and the heap profile
/// (from the heap snapshot's type table) name the same types the same way.</summary>
[Collection("runtime")]
public sealed class TypeNameTests
{
    private const string Bytes = "byte[]";
    private const string DictionaryOfLists = "System.Collections.Generic.Dictionary<string,System.Collections.Generic.List<int>>";

    private static readonly List<object> s_kept = new();

    private static int Allocate()
    {
        int made = 0;
        for (int i = 0; i < 200_000; i++)
        {
            var d = new Dictionary<string, List<int>>();
            var b = new byte[512];
            if (i % 1000 == 0)
            {
                lock (s_kept)
                {
                    s_kept.Add(d);
                    s_kept.Add(b);
                }
            }
            made += b.Length > 0 ? 1 : 0;
        }
        return made;
    }

    private static IEnumerable<string> Leaves(Profile p) =>
        p.Samples.Where(s => s.Values.Any(v => v > 0)).Select(s => s.Locations[0].Lines[0].Function?.Name ?? "").Distinct();

    [Fact]
    public async Task AllocsAndHeapSpellTypesAlike()
    {
        lock (s_kept) s_kept.Clear();
        var (allocs, _) = await CollectDuring("allocs", Allocate);
        var heap = RoundTrip(HeapProfiler.Collect());
        GC.KeepAlive(s_kept);

        var allocLeaves = Leaves(allocs).ToHashSet(StringComparer.Ordinal);
        var heapLeaves = Leaves(heap).ToHashSet(StringComparer.Ordinal);
        foreach (string type in new[] { Bytes, DictionaryOfLists })
        {
            Assert.True(allocLeaves.Contains(type), $"allocs has no {type}: {string.Join(" | ", allocLeaves.Where(n => n.Contains("Dictionary") || n.Contains("[]")).Take(20))}");
            Assert.True(heapLeaves.Contains(type), $"heap has no {type}: {string.Join(" | ", heapLeaves.Where(n => n.Contains("Dictionary") || n.Contains("[]")).Take(20))}");
            Assert.Contains(allocs.Samples, s => Label(s, "type") == type);
        }
        // No other spelling of them anywhere.
        foreach (string other in new[] { "System.Byte[]", "Dictionary`2", "System.String,", "System.Int32", ", " })
        {
            Assert.DoesNotContain(allocLeaves, n => n.Contains(other, StringComparison.Ordinal));
            Assert.DoesNotContain(heapLeaves, n => n.Contains(other, StringComparison.Ordinal));
        }
    }
}
