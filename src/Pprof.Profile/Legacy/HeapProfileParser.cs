using Pprof.Profiles.Go;

namespace Pprof.Profiles.Legacy;

/// <summary>Legacy heap, growth and fragmentation text profiles (gperftools heapz/growthz, Go's <c>heap?debug=1</c>).</summary>
internal static class HeapProfileParser
{
    public static Profile? TryParse(string text)
    {
        var s = new LineScanner(text);
        if (!s.Scan())
        {
            s.ThrowIfError();
            return null;
        }
        var p = new Profile { PeriodType = new ProfileValueType("space", "bytes") };
        string sampling = "";
        bool hasAlloc = false;
        string line = s.Text;
        var header = LegacyRegex.Submatch(LegacyRegex.HeapHeader, line);
        if (header != null)
        {
            long period = 0;
            if (header[6].Length > 0 && !GoStrconv.TryParseInt(header[6], 10, out period, out _)) return null;
            hasAlloc = (header[3] != header[1] && header[3] != "0") || (header[4] != header[2] && header[4] != "0");
            switch (header[5])
            {
                case "heapz_v2" or "heap_v2":
                    sampling = "v2";
                    break;
                case "heapprofile":
                    period = 1;
                    break;
                case "heap":
                    sampling = "v2";
                    period /= 2;
                    break;
                default:
                    return null;
            }
            p.Period = period;
        }
        else if (LegacyRegex.GrowthHeader.IsMatch(line) || LegacyRegex.FragmentationHeader.IsMatch(line))
        {
            p.Period = 1;
        }
        else
        {
            return null;
        }

        if (hasAlloc)
        {
            // alloc before inuse, so that pprof's default (the last type) is inuse_space.
            p.SampleTypes.Add(new ProfileValueType("alloc_objects", "count"));
            p.SampleTypes.Add(new ProfileValueType("alloc_space", "bytes"));
            p.SampleTypes.Add(new ProfileValueType("inuse_objects", "count"));
            p.SampleTypes.Add(new ProfileValueType("inuse_space", "bytes"));
        }
        else
        {
            p.SampleTypes.Add(new ProfileValueType("objects", "count"));
            p.SampleTypes.Add(new ProfileValueType("space", "bytes"));
        }

        var cache = new LocationCache(p);
        while (s.Scan())
        {
            line = TextFormat.TrimSpace(s.Text);
            if (LegacyParser.IsSpaceOrComment(line)) continue;
            if (LegacyParser.IsMemoryMapSentinel(line)) break;
            var (values, blocksize, addrs) = ParseSample(line, p.Period, sampling, hasAlloc);
            var sloc = new Location[addrs.Count];
            for (int i = 0; i < sloc.Length; i++) sloc[i] = cache.Get(unchecked(addrs[i] - 1));
            p.Samples.Add(new Sample(sloc, values)
            {
                NumLabels = new Dictionary<string, long[]>(StringComparer.Ordinal) { ["bytes"] = new[] { blocksize } },
            });
        }
        s.ThrowIfError();
        MemoryMap.ParseAdditionalSections(s, p);
        return p;
    }

    private static (long[] Values, long BlockSize, List<ulong> Addrs) ParseSample(string line, long rate, string sampling, bool includeAlloc)
    {
        var m = LegacyRegex.Submatch(LegacyRegex.HeapSample, line)
            ?? throw new ProfileFormatException("unexpected number of sample values: got 0, want 6");
        var values = new long[includeAlloc ? 4 : 2];
        int n = 0;
        long blocksize = 0;
        void Add(string countText, string sizeText, string label)
        {
            if (!GoStrconv.TryParseInt(countText, 10, out long count, out string? err) ||
                !GoStrconv.TryParseInt(sizeText, 10, out long size, out err))
                throw new ProfileFormatException($"malformed sample: {line}: {err}");
            if (count == 0 && size != 0) throw new ProfileFormatException($"{label} count was 0 but {label} bytes was {size}");
            if (count != 0)
            {
                blocksize = GoStrconv.Div(size, count);
                if (sampling == "v2") (count, size) = ScaleHeapSample(count, size, rate);
            }
            values[n++] = count;
            values[n++] = size;
        }
        if (includeAlloc) Add(m[3], m[4], "allocation");
        Add(m[1], m[2], "inuse");
        return (values, blocksize, LegacyRegex.HexAddresses(m[5], line));
    }

    /// <summary>Estimates unsampled values: a sample of average size S taken at rate R had probability 1-exp(-S/R).</summary>
    internal static (long Count, long Size) ScaleHeapSample(long count, long size, long rate)
    {
        if (count == 0 || size == 0) return (0, 0);
        if (rate <= 1) return (count, size);
        double avgSize = (double)size / count;
        double scale = 1 / (1 - Math.Exp(-avgSize / rate));
        return (GoStrconv.FloatToInt64(count * scale), GoStrconv.FloatToInt64(size * scale));
    }
}
