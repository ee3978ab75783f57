using Pprof.Profiles;

namespace Pprof.Runtime.Heap;


/// <summary>Turns a <see cref="HeapGraph"/> into a heap profile. Each object is charged to its shortest retention path
/// (breadth-first from the roots, one root kind after another in <see cref="RootRank"/> order), written leaf first: the object's type,
/// the types holding it, and the root (<c>static Type.Field</c>, <c>[stack]</c>, <c>[strong handle]</c>, ...).
/// Consecutive holders of the same type (linked lists, trees) collapse into one frame. Retained sizes come from the
/// dominator tree (Lengauer and Tarjan's algorithm, <see cref="Dominators"/>) over a virtual root above all roots.</summary>
internal sealed class HeapAnalyzer
{
    private const string Ellipsis = "…";
    private readonly HeapGraph _g;
    private readonly HeapProfileOptions _options;
    private readonly int _typeFrames;
    private readonly List<string> _extraFrames = new();
    private readonly Dictionary<string, int> _extraFrameIndex = new(StringComparer.Ordinal);

    // Path trie: a path is a frame (type or root) under a parent path.
    private readonly List<int> _pathParent = new();
    private readonly List<int> _pathFrame = new();
    private readonly List<int> _pathDepth = new();
    private readonly Dictionary<long, int> _pathIndex = new();
    private readonly Dictionary<string, int> _rootPaths = new(StringComparer.Ordinal);

    private readonly CancellationToken _cancellationToken;
    private readonly ProgressThrottle _progress;

    public HeapAnalyzer(HeapGraph graph, HeapProfileOptions options, ProgressThrottle? progress = null, CancellationToken cancellationToken = default)
    {
        _g = graph;
        _options = options;
        _typeFrames = graph.TypeNames.Count;
        _progress = progress ?? new ProgressThrottle(null);
        _cancellationToken = cancellationToken;
    }

    private void Report(string phase, long done, long total) => _progress.Report(phase, done, total);

    /// <summary>Objects whose path was cut at <see cref="HeapProfileOptions.MaxPathDepth"/>.</summary>
    public long TruncatedPaths { get; private set; }

    /// <summary>Objects reached from no reported root.</summary>
    public long Unreached { get; private set; }

    public Profile Build(IEnumerable<string> comments)
    {
        int n = _g.ObjectCount;
        var pathOf = BreadthFirstPaths();
        long[]? retained = _options.RetainedSize ? RetainedSizes() : null;

        int paths = _pathParent.Count;
        var objects = new long[paths + _g.Overflow.Count];
        var bytes = new long[objects.Length];
        var kept = new long[objects.Length];
        for (int o = 0; o < n; o++)
        {
            int p = pathOf[o];
            long size = _g.SizeOf(o);
            objects[p]++;
            bytes[p] += size;
            if (retained != null) kept[p] += retained[o];
        }
        long overflowObjects = 0;
        if (_g.Overflow.Count > 0)
        {
            int rootPath = RootPath("[object limit reached: path not recorded]");
            foreach (var (type, (count, size)) in _g.Overflow)
            {
                int p = Child(rootPath, type);
                if (p >= objects.Length)
                {
                    Array.Resize(ref objects, p + 1);
                    Array.Resize(ref bytes, p + 1);
                    Array.Resize(ref kept, p + 1);
                }
                objects[p] += count;
                bytes[p] += size;
                kept[p] += size;
                overflowObjects += count;
            }
        }

        var types = new List<ProfileValueType> { new("inuse_objects", "count"), new("inuse_space", "bytes") };
        if (retained != null) types.Add(new("retained_space", "bytes"));
        var profile = new Profile
        {
            SampleTypes = types,
            DefaultSampleType = "inuse_space",
            PeriodType = new ProfileValueType("space", "bytes"),
            Period = 1,
        };
        profile.Comments.AddRange(comments);
        if (TruncatedPaths > 0)
            profile.Comments.Add($"{TruncatedPaths} objects have retention paths longer than {_options.MaxPathDepth} holders: the middle of those paths is shown as {Ellipsis}");
        if (Unreached > 0)
            profile.Comments.Add($"{Unreached} objects were reached from no reported root (dependent handles or roots the runtime did not report): their paths start at [unreached from roots]");
        if (overflowObjects > 0)
            profile.Comments.Add($"truncated: the heap has more than {_g.MaxObjects} objects; {overflowObjects} more objects are counted by type only, without retention paths (root [object limit reached: path not recorded])");
        if (retained != null)
            profile.Comments.Add("retained_space: bytes kept alive only through the object (dominator tree); the retained sizes of a holder include those of the objects it holds");

        var mapping = new Mapping { Id = 1, File = "[heap]", HasFunctions = true };
        profile.Mappings.Add(mapping);
        // One Function and Location per name: types that share a name (several instantiations or load contexts)
        // are one frame, and samples whose paths read the same merge.
        var locations = new Dictionary<string, Location>(StringComparer.Ordinal);
        Location LocationOf(int frame)
        {
            string name = frame < _typeFrames ? _g.TypeNames[frame] : _extraFrames[frame - _typeFrames];
            if (locations.TryGetValue(name, out var loc)) return loc;
            var fn = new Function { Id = (ulong)profile.Functions.Count + 1, Name = name, SystemName = name };
            profile.Functions.Add(fn);
            loc = new Location { Id = (ulong)profile.Locations.Count + 1, Mapping = mapping, Lines = new[] { new Line(fn, 0) } };
            profile.Locations.Add(loc);
            locations.Add(name, loc);
            return loc;
        }

        var stack = new List<Location>();
        var merged = new Dictionary<string, Sample>(StringComparer.Ordinal);
        for (int p = 0; p < objects.Length; p++)
        {
            if (objects[p] == 0) continue;
            stack.Clear();
            for (int q = p; q >= 0; q = _pathParent[q]) stack.Add(LocationOf(_pathFrame[q]));
            string key = string.Join(',', stack.Select(l => l.Id));
            if (merged.TryGetValue(key, out var existing))
            {
                existing.Values[0] += objects[p];
                existing.Values[1] += bytes[p];
                if (retained != null) existing.Values[2] += kept[p];
                continue;
            }
            var values = retained != null ? new[] { objects[p], bytes[p], kept[p] } : new[] { objects[p], bytes[p] };
            var sample = new Sample(stack.ToArray(), values);
            merged.Add(key, sample);
            profile.Samples.Add(sample);
        }
        profile.CheckValid();
        return profile;
    }

    private int Frame(string extra)
    {
        if (!_extraFrameIndex.TryGetValue(extra, out int i))
        {
            i = _typeFrames + _extraFrames.Count;
            _extraFrames.Add(extra);
            _extraFrameIndex.Add(extra, i);
        }
        return i;
    }

    private int RootPath(string root)
    {
        if (!_rootPaths.TryGetValue(root, out int p))
        {
            p = Child(-1, Frame(root));
            _rootPaths.Add(root, p);
        }
        return p;
    }

    private int Child(int parent, int frame)
    {
        long key = ((long)(parent + 1) << 32) | (uint)frame;
        if (_pathIndex.TryGetValue(key, out int p)) return p;
        p = _pathParent.Count;
        _pathParent.Add(parent);
        _pathFrame.Add(frame);
        _pathDepth.Add(parent < 0 ? 0 : _pathDepth[parent] + 1);
        _pathIndex.Add(key, p);
        return p;
    }

    /// <summary>The path of an object of <paramref name="type"/> held by an object whose path is <paramref name="holder"/>.</summary>
    private int Extend(int holder, int type)
    {
        if (_pathFrame[holder] == type) return holder;
        int max = Math.Max(1, _options.MaxPathDepth);
        if (_pathDepth[holder] < max) return Child(holder, type);
        int a = holder;
        while (_pathDepth[a] > max - 1) a = _pathParent[a];
        TruncatedPaths++;
        return Child(Child(a, Frame(Ellipsis)), type);
    }

    private int[] BreadthFirstPaths()
    {
        int n = _g.ObjectCount;
        var pathOf = new int[n];
        Array.Fill(pathOf, -1);
        var queue = new int[n];
        int head = 0, tail = 0;
        var start = _g.EdgeStart;
        var edges = _g.Edges;

        void Drain()
        {
            while (head < tail)
            {
                if ((head & 0xFFFF) == 0)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    Report("paths", head, n);
                }
                int u = queue[head++];
                int pu = pathOf[u];
                for (int e = start[u], end = start[u + 1]; e < end; e++)
                {
                    int v = edges[e];
                    if (v < 0 || pathOf[v] >= 0) continue;
                    pathOf[v] = Extend(pu, _g.TypeOf(v));
                    queue[tail++] = v;
                }
            }
        }

        // Root kinds in RootRank order (the application's statics, stacks, the runtime's statics, handles, finalizer
        // queue, ...): each object takes the shortest path from the first kind that reaches it, so that a leak shows
        // under the application's field that keeps it rather than under a runtime holder that also reaches it. The
        // value of every static field is claimed by its field first, though: a stack slot may hold the array that
        // stores a class's statics, and must not take the runtime's statics from their own fields.
        var groups = _g.ResolvedRoots.Select((r, i) => (r, i)).GroupBy(x => x.r.Priority).OrderBy(g => g.Key).ToList();
        var seeded = new Dictionary<int, List<int>>();
        foreach (var group in groups.Where(g => g.Key is RootRank.UserStatic or RootRank.RuntimeStatic))
        {
            var claimed = seeded[group.Key] = new List<int>();
            foreach (var ((o, root, _), _) in group.OrderBy(x => x.i))
            {
                if (pathOf[o] >= 0) continue;
                pathOf[o] = Child(RootPath(root), _g.TypeOf(o));
                claimed.Add(o);
            }
        }
        foreach (var group in groups)
        {
            if (seeded.TryGetValue(group.Key, out var claimed))
            {
                foreach (int o in claimed) queue[tail++] = o;
            }
            else
            {
                foreach (var ((o, root, _), _) in group.OrderBy(x => x.i))
                {
                    if (pathOf[o] >= 0) continue;
                    pathOf[o] = Child(RootPath(root), _g.TypeOf(o));
                    queue[tail++] = o;
                }
            }
            Drain();
        }
        for (int o = 0; o < n; o++)
        {
            if (pathOf[o] >= 0) continue;
            pathOf[o] = Child(RootPath("[unreached from roots]"), _g.TypeOf(o));
            queue[tail++] = o;
            long before = tail;
            Drain();
            Unreached += tail - before + 1;
        }
        return pathOf;
    }

    /// <summary>Retained size of every object: its own size plus that of the objects it dominates.</summary>
    private long[] RetainedSizes()
    {
        int n = _g.ObjectCount;
        Report("dominators", 0, n);
        var tree = Dominators.Compute(n, _g.EdgeStart, _g.Edges, _g.ResolvedRoots.OrderBy(r => r.Priority).Select(r => r.Object),
            reachAll: true, _cancellationToken, done => Report("dominators", done, n));
        var retained = new long[n + 1];
        for (int o = 0; o < n; o++) retained[o] = _g.SizeOf(o);
        var idom = tree.Idom;
        var preorder = tree.Preorder;
        // Backwards in preorder: every object's dominated objects are summed before the object is added to its dominator.
        for (int k = tree.Reached - 1; k >= 1; k--)
        {
            int v = preorder[k];
            retained[idom[v]] += retained[v];
        }
        return retained;
    }
}
