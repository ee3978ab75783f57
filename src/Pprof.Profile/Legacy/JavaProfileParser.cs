using Pprof.Profiles.Go;

namespace Pprof.Profiles.Legacy;

/// <summary>Java profiles: heapz and contentionz text, and the Java flavour of the binary CPU profile, each followed
/// by a table that resolves addresses to methods.</summary>
internal static class JavaProfileParser
{
    public static Profile? TryParse(string text)
    {
        int nl = text.IndexOf('\n');
        if (nl < 0) return null;
        string pType = TextFormat.TrimSpace(text.Substring(0, nl)) switch
        {
            "--- heapz 1 ---" => "heap",
            "--- contentionz 1 ---" => "contention",
            _ => "",
        };
        if (pType.Length == 0) return null;
        var p = new Profile { PeriodType = new ProfileValueType("", "") };
        int pos = nl + 1;
        if (!ParseHeader(pType, text, ref pos, p)) return null;
        var locs = ParseSamples(pType, text, ref pos, p);
        ParseLocations(text, pos, locs, p);
        StripAddresses(p);
        return p;
    }

    /// <summary>The Java flavour of the binary CPU profile; <paramref name="r"/> is positioned after the header.</summary>
    internal static Profile? CpuProfile(byte[] data, CpuProfileParser.WordReader r, long period)
    {
        var p = new Profile
        {
            Period = unchecked(period * 1000),
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            SampleTypes = { new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds") },
        };
        if (!CpuProfileParser.ParseSamples(ref r, adjust: false, p, out var locs)) return null;
        int rest = r.Nil ? data.Length : r.Pos;
        ParseLocations(System.Text.Encoding.Latin1.GetString(data, rest, data.Length - rest), 0, locs, p);
        StripAddresses(p);
        return p;
    }

    /// <summary>pprof aggregates Java profiles without addresses (for better merging), then validates them.</summary>
    private static void StripAddresses(Profile p)
    {
        foreach (var l in p.Locations) l.Address = 0;
        try
        {
            p.CheckValid();
        }
        catch (ProfileFormatException e) when (e.Message.StartsWith("malformed profile: ", StringComparison.Ordinal))
        {
            throw new ProfileFormatException(e.Message.Substring("malformed profile: ".Length), e);
        }
    }

    /// <summary>Reads "attribute = value" lines. Returns false when the profile is not one pprof recognises.</summary>
    private static bool ParseHeader(string pType, string text, ref int pos, Profile p)
    {
        int nl;
        while ((nl = text.IndexOf('\n', pos)) >= 0)
        {
            string line = TextFormat.TrimSpace(text.Substring(pos, nl - pos));
            if (line.Length != 0)
            {
                var h = LegacyRegex.Submatch(LegacyRegex.Attribute, line);
                if (h == null) return true;
                string attribute = TextFormat.TrimSpace(h[1]), value = TextFormat.TrimSpace(h[2]);
                switch (pType + "/" + attribute)
                {
                    case "heap/format" or "cpu/format" or "contention/format":
                        if (value != "java") return false;
                        break;
                    case "heap/resolution":
                        p.SampleTypes = new List<ProfileValueType> { new("inuse_objects", "count"), new("inuse_space", value) };
                        break;
                    case "contention/resolution":
                        p.SampleTypes = new List<ProfileValueType> { new("contentions", "count"), new("delay", value) };
                        break;
                    case "contention/sampling period":
                        {
                            p.PeriodType = new ProfileValueType("contentions", "count");
                            if (!GoStrconv.TryParseInt(value, 0, out long period, out string? err))
                                throw new ProfileFormatException($"failed to parse attribute {line}: {err}");
                            p.Period = period;
                            break;
                        }
                    case "contention/ms since reset":
                        {
                            if (!GoStrconv.TryParseInt(value, 0, out long ms, out string? err))
                                throw new ProfileFormatException($"failed to parse attribute {line}: {err}");
                            p.DurationNanos = unchecked(ms * 1000 * 1000);
                            break;
                        }
                    default:
                        return false;
                }
            }
            pos = nl + 1;
        }
        return true;
    }

    private static Dictionary<ulong, Location> ParseSamples(string pType, string text, ref int pos, Profile p)
    {
        var cache = new LocationCache(p);
        int nl;
        while ((nl = text.IndexOf('\n', pos)) >= 0)
        {
            string line = TextFormat.TrimSpace(text.Substring(pos, nl - pos));
            if (line.Length != 0)
            {
                var sample = LegacyRegex.Submatch(LegacyRegex.JavaSample, line);
                if (sample == null) return cache.ByAddress;
                // Java profiles put the size before the count.
                var addrs = LegacyRegex.HexAddresses(sample[3], line);
                var sloc = new Location[addrs.Count];
                for (int i = 0; i < sloc.Length; i++) sloc[i] = cache.Get(addrs[i]);
                var values = new long[2];
                if (!GoStrconv.TryParseInt(sample[2], 0, out values[0], out string? err) || !GoStrconv.TryParseInt(sample[1], 0, out values[1], out err))
                    throw new ProfileFormatException($"parsing sample {line}: {err}");
                var s = new Sample(sloc, values);
                switch (pType)
                {
                    case "heap":
                        {
                            const long javaHeapzSamplingRate = 524288;
                            if (values[0] == 0) throw new ProfileFormatException($"parsing sample {line}: second value must be non-zero");
                            s.NumLabels = new Dictionary<string, long[]>(StringComparer.Ordinal) { ["bytes"] = new[] { GoStrconv.Div(values[1], values[0]) } };
                            (values[0], values[1]) = HeapProfileParser.ScaleHeapSample(values[0], values[1], javaHeapzSamplingRate);
                            break;
                        }
                    case "contention":
                        if (p.Period != 0)
                        {
                            values[0] = unchecked(values[0] * p.Period);
                            values[1] = unchecked(values[1] * p.Period);
                        }
                        break;
                }
                p.Samples.Add(s);
            }
            pos = nl + 1;
        }
        return cache.ByAddress;
    }

    /// <summary>Reads "0xADDR method (file:line)" lines, giving each known location its function and clearing its address.</summary>
    private static void ParseLocations(string text, int pos, Dictionary<ulong, Location> locs, Profile p)
    {
        var fns = new Dictionary<string, Function>(StringComparer.Ordinal);
        while (pos < text.Length)
        {
            int nl = text.IndexOf('\n', pos);
            int end = nl < 0 ? text.Length : nl + 1;
            string line = TextFormat.TrimSpace(text.Substring(pos, end - pos));
            pos = end;
            if (line.Length == 0) continue;
            var jloc = LegacyRegex.Submatch(LegacyRegex.JavaLocation, line);
            if (jloc == null) continue;
            if (!GoStrconv.TryParseUint(jloc[1], 16, out ulong addr, out string? err))
                throw new ProfileFormatException($"parsing sample {line}: {err}");
            if (!locs.TryGetValue(addr, out var loc)) continue;
            string lineFunc, lineFile = "";
            long lineNo = 0;
            var fileLine = LegacyRegex.Submatch(LegacyRegex.JavaLocationFileLine, jloc[2]);
            if (fileLine != null)
            {
                // "function (file:line)"
                lineFunc = fileLine[1];
                lineFile = fileLine[2];
                if (GoStrconv.TryParseInt(fileLine[3], 10, out long n, out _) && n > 0) lineNo = n;
            }
            else if (LegacyRegex.Submatch(LegacyRegex.JavaLocationPath, jloc[2]) is { } filePath)
            {
                // A shared library path: only its base name is interesting.
                lineFunc = filePath[1];
                lineFile = GoPath.Base(filePath[2]);
            }
            else if (jloc[2].Contains("generated stub/JIT", StringComparison.Ordinal))
            {
                lineFunc = "STUB";
            }
            else
            {
                // The whole line names an internal state such as "GC" or "VM".
                lineFunc = jloc[2];
            }
            if (!fns.TryGetValue(lineFunc, out var fn))
            {
                string name = LegacyParser.Utf8(lineFunc);
                fn = new Function { Name = name, SystemName = name, Filename = LegacyParser.Utf8(lineFile) };
                fns.Add(lineFunc, fn);
                p.Functions.Add(fn);
            }
            loc.Lines = new[] { new Line(fn, lineNo) };
            loc.Address = 0;
        }
        MemoryMap.RemapLocationIds(p);
        MemoryMap.RemapFunctionIds(p);
        MemoryMap.RemapMappingIds(p);
    }
}
