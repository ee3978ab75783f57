using Pprof.Runtime.Heap;

namespace Pprof.Runtime.Tests;

/// <summary>The dominator tree against its definition (d dominates n iff n is unreachable once d is removed) on many
/// small random graphs, and known trees on the big shapes that break iterative algorithms or recursion: long lists
/// pointing back at their head, million-node chains, wide fans, cycles, diamond ladders.</summary>
public sealed class DominatorTests
{
    /// <summary>A graph under construction: adjacency lists turned into CSR.</summary>
    private sealed class Graph
    {
        private readonly List<int>[] _out;

        public Graph(int n)
        {
            _out = new List<int>[n];
            for (int i = 0; i < n; i++) _out[i] = new List<int>();
        }

        public int N => _out.Length;

        public void Edge(int from, int to) => _out[from].Add(to);

        public (int[] Start, int[] Edges) Csr()
        {
            var start = new int[N + 1];
            for (int i = 0; i < N; i++) start[i + 1] = start[i] + _out[i].Count;
            var edges = new int[start[N]];
            for (int i = 0; i < N; i++) _out[i].CopyTo(edges, start[i]);
            return (start, edges);
        }

        public Dominators Dominators(params int[] roots)
        {
            var (start, edges) = Csr();
            return Heap.Dominators.Compute(N, start, edges, roots);
        }
    }

    /// <summary>Immediate dominators by the definition: node n (the virtual root) reaches the roots; d dominates v
    /// iff v is not reachable once d is removed; idom(v) is the strict dominator that all others dominate.</summary>
    private static int[] BruteForce(int n, int[] start, int[] edges, int[] roots)
    {
        bool[] Reach(int removed)
        {
            var seen = new bool[n + 1];
            if (removed == n) return seen;
            var stack = new Stack<int>();
            seen[n] = true;
            foreach (int r in roots) if (r != removed && !seen[r]) { seen[r] = true; stack.Push(r); }
            while (stack.Count > 0)
            {
                int u = stack.Pop();
                for (int e = start[u]; e < start[u + 1]; e++)
                {
                    int v = edges[e];
                    if (v < 0 || v == removed || seen[v]) continue;
                    seen[v] = true;
                    stack.Push(v);
                }
            }
            return seen;
        }

        var all = Reach(-1);
        var dom = new bool[n + 1, n + 1]; // dom[d, v]: d strictly dominates v
        for (int d = 0; d <= n; d++)
        {
            var without = Reach(d);
            for (int v = 0; v < n; v++) dom[d, v] = all[v] && v != d && !without[v];
        }
        var idom = new int[n + 1];
        idom[n] = n;
        for (int v = 0; v < n; v++)
        {
            if (!all[v]) { idom[v] = -1; continue; }
            var strict = Enumerable.Range(0, n + 1).Where(d => dom[d, v]).ToList();
            idom[v] = strict.Single(d => strict.All(o => o == d || dom[o, d]));
        }
        return idom;
    }

    [Fact]
    public void RandomSmallGraphsMatchTheDefinition()
    {
        var rnd = new Random(20261203);
        for (int round = 0; round < 3000; round++)
        {
            int n = rnd.Next(1, 51);
            double density = rnd.NextDouble() * 3;
            var g = new Graph(n);
            int m = (int)(n * density);
            for (int i = 0; i < m; i++) g.Edge(rnd.Next(n), rnd.Next(n));
            // Some missing targets (references outside the snapshot) and self loops.
            if (n > 1 && rnd.Next(4) == 0) g.Edge(rnd.Next(n), -1);
            var roots = Enumerable.Range(0, rnd.Next(1, 4)).Select(_ => rnd.Next(n)).ToArray();
            var (start, edges) = g.Csr();
            var expected = BruteForce(n, start, edges, roots);
            var actual = Dominators.Compute(n, start, edges, roots);
            Assert.True(expected.SequenceEqual(actual.Idom.Take(n + 1)), $"round {round}, n {n}: expected {string.Join(",", expected)}, got {string.Join(",", actual.Idom.Take(n + 1))}");
            Assert.Equal(expected.Count(d => d >= 0), actual.Reached);
            CheckPreorder(actual, n);
        }
    }

    /// <summary>Every reached node comes after its immediate dominator in <see cref="Dominators.Preorder"/>.</summary>
    private static void CheckPreorder(Dominators d, int n)
    {
        var position = new int[n + 1];
        Array.Fill(position, -1);
        for (int k = 0; k < d.Reached; k++) position[d.Preorder[k]] = k;
        Assert.Equal(0, position[n]);
        for (int v = 0; v < n; v++)
        {
            if (d.Idom[v] < 0) Assert.Equal(-1, position[v]);
            else Assert.True(position[d.Idom[v]] < position[v], $"node {v} before its dominator {d.Idom[v]}");
        }
    }

    [Fact]
    public void MillionNodeChainNeedsNoRecursion()
    {
        const int n = 1_000_000;
        var g = new Graph(n);
        for (int i = 0; i + 1 < n; i++) g.Edge(i, i + 1);
        var d = g.Dominators(0);
        Assert.Equal(n + 1, d.Reached);
        Assert.Equal(n, d.Idom[0]);
        for (int i = 1; i < n; i++) Assert.Equal(i - 1, d.Idom[i]);
    }

    [Fact]
    public void ListWhoseNodesPointBackAtTheHolder()
    {
        // LinkedList<T>: the list holds the head; each node points to next, prev (circular) and back to the list;
        // each node holds its item. The head is dominated by the list, every other node by the head (forwards and
        // backwards round the ring are the two ways in), every item by its node.
        const int nodes = 1_000_000;
        const int list = 0;
        static int Node(int i) => 1 + i;
        static int Item(int i) => 1 + nodes + i;
        var g = new Graph(1 + 2 * nodes);
        g.Edge(list, Node(0));
        for (int i = 0; i < nodes; i++)
        {
            g.Edge(Node(i), list);
            g.Edge(Node(i), Node((i + 1) % nodes));
            g.Edge(Node(i), Node((i + nodes - 1) % nodes));
            g.Edge(Node(i), Item(i));
        }
        var d = g.Dominators(list);
        Assert.Equal(g.N, d.Idom[list]);
        for (int i = 0; i < nodes; i++)
        {
            Assert.Equal(i == 0 ? list : Node(0), d.Idom[Node(i)]);
            Assert.Equal(Node(i), d.Idom[Item(i)]);
        }
    }

    [Fact]
    public void SinglyLinkedListWithBackPointersIsADeepTree()
    {
        // next pointers plus a pointer from every node back to the head: node i is dominated by node i-1.
        const int n = 1_000_000;
        var g = new Graph(n);
        for (int i = 0; i < n; i++)
        {
            g.Edge(i, 0);
            if (i + 1 < n) g.Edge(i, i + 1);
        }
        var d = g.Dominators(0);
        for (int i = 1; i < n; i++) Assert.Equal(i - 1, d.Idom[i]);
        CheckPreorder(d, n);
    }

    [Fact]
    public void WideFanCycleAndDiamondLadder()
    {
        // Fan: a hub holding a million leaves, each leaf pointing back at the hub.
        const int leaves = 1_000_000;
        var fan = new Graph(1 + leaves);
        for (int i = 1; i <= leaves; i++)
        {
            fan.Edge(0, i);
            fan.Edge(i, 0);
        }
        var df = fan.Dominators(0);
        for (int i = 1; i <= leaves; i++) Assert.Equal(0, df.Idom[i]);

        // Ring of a million nodes entered at 0: node i is dominated by node i-1.
        const int ring = 1_000_000;
        var cycle = new Graph(ring);
        for (int i = 0; i < ring; i++) cycle.Edge(i, (i + 1) % ring);
        var dc = cycle.Dominators(0);
        for (int i = 1; i < ring; i++) Assert.Equal(i - 1, dc.Idom[i]);

        // Ladder of diamonds a -> b, a -> c, b -> a', c -> a' (300,000 rungs): a' is dominated by a, b and c by a.
        const int rungs = 300_000;
        var ladder = new Graph(3 * rungs + 1);
        for (int i = 0; i < rungs; i++)
        {
            int a = 3 * i, b = a + 1, c = a + 2, next = a + 3;
            ladder.Edge(a, b);
            ladder.Edge(a, c);
            ladder.Edge(c, next);
            ladder.Edge(b, next);
        }
        var dl = ladder.Dominators(0);
        for (int i = 0; i < rungs; i++)
        {
            int a = 3 * i;
            Assert.Equal(a, dl.Idom[a + 1]);
            Assert.Equal(a, dl.Idom[a + 2]);
            Assert.Equal(a, dl.Idom[a + 3]);
        }
    }

    [Fact]
    public void RootsSharingObjectsUnreachedNodesAndAChainWithAFanOfRoots()
    {
        // A chain 0 -> ... -> k, then k holds a fan of leaves that are roots themselves: the leaves are dominated by
        // the virtual root only (the shape that makes the NCA step of simpler algorithms quadratic).
        const int k = 200_000, fan = 200_000, unreached = 10;
        int n = k + 1 + fan + unreached;
        var g = new Graph(n);
        for (int i = 0; i < k; i++) g.Edge(i, i + 1);
        for (int j = 0; j < fan; j++) g.Edge(k, k + 1 + j);
        for (int j = 0; j + 1 < unreached; j++) g.Edge(k + 1 + fan + j, k + 1 + fan + j + 1);
        var roots = new[] { 0 }.Concat(Enumerable.Range(k + 1, fan)).ToArray();
        var d = g.Dominators(roots);
        for (int i = 1; i <= k; i++) Assert.Equal(i - 1, d.Idom[i]);
        for (int j = 0; j < fan; j++) Assert.Equal(n, d.Idom[k + 1 + j]);
        for (int j = 0; j < unreached; j++) Assert.Equal(-1, d.Idom[k + 1 + fan + j]);
        Assert.Equal(n - unreached + 1, d.Reached);

        // reachAll: each unreached node not reached by an earlier one hangs below the virtual root.
        var (start, edges) = g.Csr();
        var all = Dominators.Compute(n, start, edges, roots, reachAll: true);
        Assert.Equal(n, all.Idom[k + 1 + fan]);
        for (int j = 1; j < unreached; j++) Assert.Equal(k + 1 + fan + j - 1, all.Idom[k + 1 + fan + j]);
        Assert.Equal(n + 1, all.Reached);
    }

    [Fact]
    public void CancellationStopsTheComputation()
    {
        const int n = 1_000_000;
        var g = new Graph(n);
        for (int i = 0; i + 1 < n; i++) g.Edge(i, i + 1);
        var (start, edges) = g.Csr();
        using var cts = new CancellationTokenSource();
        long steps = 0;
        Assert.Throws<OperationCanceledException>(() => Dominators.Compute(n, start, edges, new[] { 0 }, false, cts.Token, done =>
        {
            steps++;
            cts.Cancel();
        }));
        Assert.Equal(1, steps);
    }

    [Fact]
    public void RetainedSizesAndPathsOfAListHeldByTheApplicationAndATimer()
    {
        // A static of the application holds a holder chain (12 objects deep) ending in a LinkedList of 100,000 nodes
        // with 100-byte items; a runtime static (a timer queue) reaches the same list in 2 steps, and a stack slot
        // holds one item. The list retains its nodes and the items but the one on the stack; the paths go through the
        // application's static although the timer's path is shorter.
        const int nodes = 100_000;
        var g = new HeapGraph(10_000_000);
        g.AddType(1, "MyApp.Holder");
        g.AddType(2, "System.Collections.Generic.LinkedList`1[System.Byte[]]");
        g.AddType(3, "System.Collections.Generic.LinkedListNode`1[System.Byte[]]");
        g.AddType(4, "System.Byte[]");
        g.AddType(5, "System.Threading.TimerQueue");
        const ulong holders = 0x10000, list = 0x20000, timer = 0x30000, nodeBase = 0x1000000, itemBase = 0x9000000;
        for (int i = 0; i < 12; i++)
        {
            g.AddObject(holders + (ulong)i * 32, 32, 1, 1);
            g.AddEdge(i + 1 < 12 ? holders + (ulong)(i + 1) * 32 : list);
        }
        g.AddObject(list, 48, 2, 1);
        g.AddEdge(nodeBase);
        g.AddObject(timer, 64, 5, 1);
        g.AddEdge(list);
        for (int i = 0; i < nodes; i++)
        {
            g.AddObject(nodeBase + (ulong)i * 48, 48, 3, 4);
            g.AddEdge(list);
            g.AddEdge(nodeBase + (ulong)((i + 1) % nodes) * 48);
            g.AddEdge(nodeBase + (ulong)((i + nodes - 1) % nodes) * 48);
            g.AddEdge(itemBase + (ulong)i * 128);
        }
        for (int i = 0; i < nodes; i++) g.AddObject(itemBase + (ulong)i * 128, 124, 4, 0);
        g.AddStaticRoot(timer, 5, "s_queue");
        g.AddStaticRoot(holders, 1, "s_cache");
        g.AddRoot(itemBase + 7 * 128, "[stack]", 1);
        g.ResolveStaticNames(new Dictionary<string, List<(string Owner, string FieldType)>>
        {
            ["s_queue"] = new() { ("System.Threading.TimerQueue", "System.Threading.TimerQueue") },
            ["s_cache"] = new() { ("MyApp.Program", "MyApp.Holder") },
        });
        g.Resolve();
        var p = new HeapAnalyzer(g, new HeapProfileOptions()).Build(Array.Empty<string>());

        string Leaf(Pprof.Profiles.Sample s) => s.Locations[0].Lines[0].Function!.Name;
        var listSample = p.Samples.Single(s => Leaf(s) == "System.Collections.Generic.LinkedList<byte[]>");
        Assert.Equal(48 + nodes * (48L + 124) - 124, listSample.Values[2]);
        Assert.Equal("static MyApp.Program.s_cache", listSample.Locations[^1].Lines[0].Function!.Name);
        var nodeSample = p.Samples.Single(s => Leaf(s) == "System.Collections.Generic.LinkedListNode<byte[]>");
        Assert.Equal(nodes, nodeSample.Values[0]);
        // The head retains the whole ring, each other node itself and its item: nested holders count their contents again.
        Assert.Equal(nodes * 48L + (nodes - 1) * 124L + (nodes - 1) * 48L + (nodes - 2) * 124L, nodeSample.Values[2]);
        Assert.Equal(new[] { "System.Collections.Generic.LinkedListNode<byte[]>", "System.Collections.Generic.LinkedList<byte[]>", "MyApp.Holder", "static MyApp.Program.s_cache" },
            nodeSample.Locations.Select(l => l.Lines[0].Function!.Name));
        // Items: all under the application's static, the one a stack slot also holds too (statics rank first).
        Assert.True(nodes == p.Samples.Where(s => Leaf(s) == "byte[]" && s.Locations[^1].Lines[0].Function!.Name == "static MyApp.Program.s_cache").Sum(s => s.Values[0]), HeapTests.Top(p));
        Assert.DoesNotContain(p.Samples, s => s.Locations[^1].Lines[0].Function!.Name == "[stack]");
        // The timer queue itself is under its own static.
        Assert.Equal("static System.Threading.TimerQueue.s_queue", p.Samples.Single(s => Leaf(s) == "System.Threading.TimerQueue").Locations[^1].Lines[0].Function!.Name);
    }
}
