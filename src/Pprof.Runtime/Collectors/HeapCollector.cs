using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using Pprof.Profiles;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Collectors;

/// <summary>Builds the heap profile with Go's semantics (alloc_objects, alloc_space, inuse_objects, inuse_space by
/// allocation stack) from the runtime's allocation samples (AllocationSampled, one per 100 KiB on average, upscaled as
/// in the allocs profile) and follows every sampled object until it dies through the GC's survival and movement events.
/// At the start of each garbage collection the runtime reports which address ranges (regions) belong to which
/// generation (GCGenerationRange), during it the ranges of surviving objects of the condemned generations, moved or not
/// (GCBulkSurvivingObjectRanges, GCBulkMovedObjectRanges): a sampled object inside a surviving range lives on, at its new
/// address; one in a condemned generation's region but in no surviving range is dead; any other is not concerned. As in
/// Go, inuse is the state at the last garbage collection that has been processed: objects sampled after it count in
/// alloc_ only.</summary>
internal sealed class HeapCollector : EventCollector
{
    /// <summary>Most sampled objects followed at once (a heap of about 100 GB); beyond it new samples count in alloc_
    /// only and the profile says so.</summary>
    public const int MaxTracked = 1_000_000;

    private readonly List<Site> _sites = new();
    private readonly Dictionary<SiteKey, int> _siteIndex = new();
    private readonly Dictionary<ulong, string> _typeNames = new();
    private Tracked[] _objects = new Tracked[1024];
    private int _count;
    private readonly List<GcWork> _open = new();
    private readonly Stack<List<Range>> _spareRanges = new();
    private readonly Stack<List<Region>> _spareRegions = new();
    private int _gcOrdinal;
    private long _gcsProcessed;
    private long _gcsWithoutRanges;
    private long _lastGcIndex = -1;
    private long _gcIndexFloor = -1;
    private long _dropped;
    private bool _fromOutside;

    public override ProfileKind Kind => ProfileKind.Heap;

    public override long RuntimeKeywords => RuntimeKeyword.AllocationSampling | RuntimeKeyword.GC | RuntimeKeyword.GCHeapSurvivalAndMovement;

    /// <summary>The index (<c>GC.CollectionCount(0)</c> after it) of the last garbage collection whose events were
    /// processed; -1 before the first.</summary>
    public long LastGcIndex
    {
        get
        {
            lock (Gate) return _lastGcIndex;
        }
    }

    /// <summary>Waits until the events of garbage collection <paramref name="gcIndex"/> (or a later one) have been
    /// processed, at most <paramref name="timeout"/>; false when they have not.</summary>
    public bool WaitForGc(long gcIndex, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        lock (Gate)
        {
            while (Math.Max(_lastGcIndex, _gcIndexFloor) < gcIndex)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero) return false;
                Monitor.Wait(Gate, left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
            }
            return true;
        }
    }

    public override void Attach(TraceLogEventSource source, StackResolver resolver, SessionContext context)
    {
        // Stacks are interned per session: sites are keyed by (stack, type, size) of this session; Build merges equal
        // stacks of different sessions.
        var shapes = new Dictionary<(Frame[] Stack, ulong Type, long Size), int>(ShapeComparer.Instance);
        // In-process, the collections before the session have nothing to report: waiting for them is pointless.
        lock (Gate) _fromOutside |= !context.InProcess;
        if (context.InProcess)
        {
            lock (Gate) _gcIndexFloor = Math.Max(_gcIndexFloor, GC.CollectionCount(0));
        }
        source.Clr.AllocationSampling += e =>
        {
            var stack = resolver.Resolve(e);
            if (stack == null) return;
            long size = e.ObjectSize;
            lock (Gate)
            {
                if (!shapes.TryGetValue((stack, e.TypeID, size), out int site))
                {
                    site = SiteOf(stack, e.TypeID, e.TypeName, size, resolver);
                    shapes.Add((stack, e.TypeID, size), site);
                }
                _sites[site].Samples++;
                if (_count == MaxTracked)
                {
                    _dropped++;
                    return;
                }
                if (_count == _objects.Length) Array.Resize(ref _objects, _objects.Length * 2);
                _objects[_count++] = new Tracked { Address = e.Address, Site = site, SampledAt = _gcOrdinal, MovedAt = _gcOrdinal };
            }
        };
        source.Clr.GCStart += e =>
        {
            lock (Gate)
            {
                // A collection whose start came before the session: its end is ignored (its ranges too).
                // Ends that never come (lost events) must not pile up.
                if (_open.Count >= 16) _open.RemoveAt(0);
                var ranges = _spareRanges.Count > 0 ? _spareRanges.Pop() : new List<Range>();
                ranges.Clear();
                var regions = _spareRegions.Count > 0 ? _spareRegions.Pop() : new List<Region>();
                regions.Clear();
                _open.Add(new GcWork(++_gcOrdinal, e.Count, e.Depth, e.Type == GCType.BackgroundGC, ranges, regions));
            }
        };
        source.Clr.GCBulkSurvivingObjectRanges += e =>
        {
            lock (Gate)
            {
                if (_open.Count == 0) return;
                var work = _open[^1];
                work.RegionsDone = true;
                for (int i = 0; i < e.Count; i++)
                {
                    var v = e.Values(i);
                    work.Ranges.Add(new Range(v.RangeBase, v.RangeBase, v.RangeLength));
                }
            }
        };
        source.Clr.GCBulkMovedObjectRanges += e =>
        {
            lock (Gate)
            {
                if (_open.Count == 0) return;
                var work = _open[^1];
                work.RegionsDone = true;
                for (int i = 0; i < e.Count; i++)
                {
                    var v = e.Values(i);
                    work.Ranges.Add(new Range(v.OldRangeBase, v.NewRangeBase, v.RangeLength));
                }
            }
        };
        source.Clr.GCGenerationRange += e =>
        {
            lock (Gate)
            {
                // The generations' regions as the collection starts (reported again at its end: those are ignored).
                if (_open.Count == 0 || _open[^1].RegionsDone) return;
                _open[^1].Regions.Add(new Region(e.RangeStart, e.RangeStart + e.RangeUsedLength, e.Generation));
            }
        };
        source.Clr.GCStop += e =>
        {
            lock (Gate)
            {
                int at = _open.FindLastIndex(w => w.Count == e.Count);
                if (at < 0) return;
                var work = _open[at];
                _open.RemoveAt(at);
                Apply(work);
                _spareRanges.Push(work.Ranges);
                _spareRegions.Push(work.Regions);
                _gcsProcessed++;
                _lastGcIndex = Math.Max(_lastGcIndex, e.Count);
                Monitor.PulseAll(Gate);
            }
        };
    }

    private int SiteOf(Frame[] stack, ulong typeId, string rawType, long size, StackResolver resolver)
    {
        if (!_typeNames.TryGetValue(typeId, out string? type))
        {
            type = TypeNames.Format(rawType);
            // Type ids are method-table addresses: an unnamed id may get its name later.
            if (!string.IsNullOrEmpty(rawType)) _typeNames.Add(typeId, type);
        }
        var full = new Frame[stack.Length + 1];
        full[0] = resolver.Named(type);
        stack.CopyTo(full, 1);
        var key = new SiteKey(full, size);
        if (_siteIndex.TryGetValue(key, out int site)) return site;
        var labels = new SampleLabels(new[] { new KeyValuePair<string, string>("type", type) }).WithNumber("bytes", size, "bytes");
        _sites.Add(new Site(full, labels, size, AllocationCollector.Upscale(size)));
        _siteIndex.Add(key, _sites.Count - 1);
        return _sites.Count - 1;
    }

    /// <summary>Ends one collection: each sampled object it condemned (in a region of a condemned generation when it
    /// started) either survived (in a surviving range, maybe moved) or died. A collection that reported no surviving
    /// range or no region (events lost, or it started before the session) kills nothing. A background collection
    /// condemns generation 2 and the large and pinned object heaps as they were at its start: objects that foreground
    /// collections moved meanwhile are not its concern.</summary>
    private void Apply(GcWork work)
    {
        var ranges = work.Ranges;
        var regions = work.Regions;
        bool known = ranges.Count > 0 && regions.Count > 0;
        if (!known) _gcsWithoutRanges++;
        ranges.Sort(static (a, b) => a.Old.CompareTo(b.Old));
        regions.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            var o = _objects[i];
            if (o.SampledAt < work.Ordinal)
            {
                o.Published = true;
                int r = known ? Find(ranges, o.Address) : -1;
                if (r >= 0)
                {
                    if (ranges[r].New != ranges[r].Old)
                    {
                        o.Address = o.Address - ranges[r].Old + ranges[r].New;
                        o.MovedAt = work.Ordinal;
                    }
                }
                else if (known && Condemned(work, regions, o))
                {
                    continue; // died
                }
            }
            _objects[kept++] = o;
        }
        _count = kept;
    }

    private static bool Condemned(GcWork work, List<Region> regions, Tracked o)
    {
        int lo = 0, hi = regions.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (regions[mid].Start <= o.Address)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        if (found < 0 || o.Address >= regions[found].End) return false;
        int gen = regions[found].Generation;
        // Generations 3 and 4 are the large and pinned object heaps, collected with generation 2.
        if (work.Background) return gen >= 2 && o.MovedAt < work.Ordinal;
        return gen <= work.Depth || (gen >= 3 && work.Depth >= 2);
    }

    private static int Find(List<Range> ranges, ulong address)
    {
        int lo = 0, hi = ranges.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (ranges[mid].Old <= address)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found >= 0 && address - ranges[found].Old < ranges[found].Length ? found : -1;
    }

    public override Profile Snapshot(DateTime start, TimeSpan duration, IEnumerable<string> comments)
    {
        var builder = new ProfileBuilder(
            new[]
            {
                new ProfileValueType("alloc_objects", "count"), new ProfileValueType("alloc_space", "bytes"),
                new ProfileValueType("inuse_objects", "count"), new ProfileValueType("inuse_space", "bytes"),
            },
            "", new ProfileValueType("space", "bytes"), (long)AllocationCollector.SamplingMeanBytes);
        var all = comments.ToList();
        lock (Gate)
        {
            var live = new long[_sites.Count];
            for (int i = 0; i < _count; i++) if (_objects[i].Published) live[_objects[i].Site]++;
            Span<double> values = stackalloc double[4];
            for (int s = 0; s < _sites.Count; s++)
            {
                var site = _sites[s];
                values[0] = site.Samples * site.Scale;
                values[1] = values[0] * site.Size;
                values[2] = live[s] * site.Scale;
                values[3] = values[2] * site.Size;
                builder.Add(site.Stack, values, site.Labels);
            }
            all.Add($"allocations sampled by the runtime (AllocationSampled, one per {AllocationCollector.SamplingMeanBytes:0} bytes allocated on average); a sample of an object of s bytes stands for 1/(1-exp(-s/{AllocationCollector.SamplingMeanBytes:0})) objects (period: space/bytes {AllocationCollector.SamplingMeanBytes:0})");
            all.Add(_fromOutside
                ? "collected from outside over a window: inuse_ are the objects allocated in the window that were still live at its last garbage collection (followed through the GC's survival and movement events); alloc_ everything allocated in the window; objects allocated before it are not seen"
                : "inuse_: the sampled objects still live at the last garbage collection seen, followed through the GC's survival and movement events; alloc_: every sampled allocation since heap profiling was switched on");
            all.Add(_lastGcIndex < 0
                ? "no garbage collection seen yet: inuse_ is empty"
                : $"inuse_ as of garbage collection #{_lastGcIndex}; {_gcsProcessed} collections followed, {_count} sampled objects tracked");
            if (_gcsWithoutRanges > 0) all.Add($"{_gcsWithoutRanges} collections reported no surviving ranges (events lost?): objects they condemned were kept, inuse_ may overcount");
            if (_dropped > 0) all.Add($"{_dropped} samples beyond {MaxTracked} followed objects count in alloc_ only");
        }
        return builder.Build(start, duration, all);
    }

    public override void Reset()
    {
        lock (Gate)
        {
            foreach (var s in _sites) s.Samples = 0;
            _count = 0;
        }
    }

    private sealed class Site
    {
        public Site(Frame[] stack, SampleLabels labels, long size, double scale)
        {
            Stack = stack;
            Labels = labels;
            Size = size;
            Scale = scale;
        }

        public Frame[] Stack { get; }
        public SampleLabels Labels { get; }
        public long Size { get; }
        public double Scale { get; }
        public long Samples { get; set; }
    }

    private struct Tracked
    {
        public ulong Address;
        public int Site;
        public int SampledAt;
        public int MovedAt;
        public bool Published;
    }

    private readonly record struct Range(ulong Old, ulong New, ulong Length);

    private readonly record struct Region(ulong Start, ulong End, int Generation);

    private sealed record GcWork(int Ordinal, int Count, int Depth, bool Background, List<Range> Ranges, List<Region> Regions)
    {
        /// <summary>Set once the survivors are reported: later region events describe the heap after the collection.</summary>
        public bool RegionsDone { get; set; }
    }

    /// <summary>A site: the full stack (type leaf first, interned by the collector) and the object size.</summary>
    private readonly struct SiteKey : IEquatable<SiteKey>
    {
        private readonly Frame[] _stack;
        private readonly long _size;

        public SiteKey(Frame[] stack, long size)
        {
            _stack = stack;
            _size = size;
        }

        public bool Equals(SiteKey other) => _size == other._size && _stack.AsSpan().SequenceEqual(other._stack);

        public override bool Equals(object? obj) => obj is SiteKey k && Equals(k);

        public override int GetHashCode()
        {
            var h = new HashCode();
            h.Add(_size);
            foreach (var f in _stack) h.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(f));
            return h.ToHashCode();
        }
    }

    private sealed class ShapeComparer : IEqualityComparer<(Frame[] Stack, ulong Type, long Size)>
    {
        public static readonly ShapeComparer Instance = new();

        public bool Equals((Frame[] Stack, ulong Type, long Size) x, (Frame[] Stack, ulong Type, long Size) y)
            => ReferenceEquals(x.Stack, y.Stack) && x.Type == y.Type && x.Size == y.Size;

        public int GetHashCode((Frame[] Stack, ulong Type, long Size) obj)
            => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Stack), obj.Type, obj.Size);
    }
}
