using System.Buffers.Binary;
using System.Text;

namespace Pprof.Profiles.Legacy;

/// <summary>gperftools binary CPU profiles (32- or 64-bit words, either byte order), C++ and Java flavours.</summary>
internal static class CpuProfileParser
{
    /// <summary>Reads words of one size and byte order; <see cref="Nil"/> models Go's nil slice after a short read.</summary>
    internal struct WordReader
    {
        private readonly byte[] _data;
        private readonly int _size;
        private readonly bool _bigEndian;

        public WordReader(byte[] data, int pos, int size, bool bigEndian)
        {
            _data = data;
            Pos = pos;
            _size = size;
            _bigEndian = bigEndian;
            Nil = false;
        }

        public int Pos { get; private set; }

        public bool Nil { get; private set; }

        public readonly int Remaining => Nil ? 0 : _data.Length - Pos;

        public ulong Next()
        {
            if (Nil || _data.Length - Pos < _size)
            {
                Nil = true;
                return 0;
            }
            var span = _data.AsSpan(Pos, _size);
            Pos += _size;
            return _size == 4
                ? (_bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span))
                : (_bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(span) : BinaryPrimitives.ReadUInt64LittleEndian(span));
        }
    }

    public static Profile? TryParse(byte[] data)
    {
        foreach (var (size, big) in new[] { (4, false), (4, true), (8, false), (8, true) })
        {
            var r = new WordReader(data, 0, size, big);
            ulong n1 = r.Next(), n2 = r.Next(), n3 = r.Next(), n4 = r.Next(), n5 = r.Next();
            if (r.Nil || n1 != 0 || n2 != 3 || n4 == 0 || n5 != 0) continue;
            if (n3 == 0) return CppProfile(data, r, unchecked((long)n4));
            if (n3 == 1) return JavaProfileParser.CpuProfile(data, r, unchecked((long)n4));
        }
        return null;
    }

    private static Profile? CppProfile(byte[] data, WordReader r, long period)
    {
        var p = new Profile
        {
            Period = unchecked(period * 1000),
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            SampleTypes = { new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds") },
        };
        if (!ParseSamples(ref r, adjust: true, p, out _)) return null;

        // When (nearly) every sample has the same second frame, it is the signal handler's frame: remove it, twice at most.
        int margin = p.Samples.Count / 32;
        for (int iter = 0; iter < 2; iter++)
        {
            var addr1 = new Dictionary<ulong, int>();
            foreach (var s in p.Samples)
            {
                if (s.Locations.Length > 1)
                {
                    ulong a = s.Locations[1].Address;
                    addr1[a] = addr1.GetValueOrDefault(a) + 1;
                }
            }
            foreach (var (id1, count) in addr1)
            {
                if (count >= p.Samples.Count - margin)
                {
                    foreach (var s in p.Samples)
                    {
                        if (s.Locations.Length > 1 && s.Locations[1].Address == id1) s.Locations = MemoryMap.RemoveAt(s.Locations, 1);
                    }
                    break;
                }
            }
        }

        int rest = r.Nil ? data.Length : r.Pos;
        MemoryMap.ParseMemoryMap(new LineScanner(Encoding.Latin1.GetString(data, rest, data.Length - rest)), p);
        MemoryMap.CleanupDuplicateLocations(p);
        return p;
    }

    /// <summary>Reads samples (count, depth, addresses) up to the end-of-data marker. Returns false when the data
    /// cannot be a CPU profile. <paramref name="locations"/> maps addresses to locations.</summary>
    internal static bool ParseSamples(ref WordReader r, bool adjust, Profile p, out Dictionary<ulong, Location> locations)
    {
        var cache = new LocationCache(p);
        locations = cache.ByAddress;
        var addrs = new List<ulong>();
        while (r.Remaining > 0)
        {
            ulong count = r.Next();
            ulong nstk = r.Next();
            // The depth is checked against the bytes left (as 32-bit words), so it never allocates more than the input.
            if (r.Nil || nstk > (ulong)(r.Remaining / 4)) return false;
            addrs.Clear();
            for (ulong i = 0; i < nstk; i++) addrs.Add(r.Next());
            if (count == 0 && nstk == 1 && addrs[0] == 0) break;
            var sloc = new Location[addrs.Count];
            for (int i = 0; i < sloc.Length; i++)
            {
                ulong addr = addrs[i];
                if (adjust && i > 0) addr = unchecked(addr - 1);
                sloc[i] = cache.Get(addr);
            }
            p.Samples.Add(new Sample(sloc, new[] { unchecked((long)count), unchecked((long)count * p.Period) }));
        }
        return true;
    }
}
