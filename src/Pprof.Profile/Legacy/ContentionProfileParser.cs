using Pprof.Profiles.Go;

namespace Pprof.Profiles.Legacy;

/// <summary>Contention and mutex text profiles: C++ "--- contentionz" and Go's "--- mutex:" / "--- contention:".</summary>
internal static class ContentionProfileParser
{
    public static Profile? TryParse(string text)
    {
        var s = new LineScanner(text);
        if (!s.Scan())
        {
            s.ThrowIfError();
            return null;
        }
        string first = s.Text;
        if (!first.StartsWith("--- contentionz ", StringComparison.Ordinal) && !first.StartsWith("--- mutex:", StringComparison.Ordinal) &&
            !first.StartsWith("--- contention:", StringComparison.Ordinal))
            return null;

        var p = new Profile
        {
            PeriodType = new ProfileValueType("contentions", "count"),
            Period = 1,
            SampleTypes = { new ProfileValueType("contentions", "count"), new ProfileValueType("delay", "nanoseconds") },
        };
        long cpuHz = 0;
        // "attribute = value" lines precede the samples.
        while (s.Scan())
        {
            string line = TextFormat.TrimSpace(s.Text);
            if (LegacyParser.IsSpaceOrComment(line)) continue;
            if (line.StartsWith("---", StringComparison.Ordinal)) break;
            int eq = line.IndexOf('=');
            if (eq < 0) break;
            string key = TextFormat.TrimSpace(line.Substring(0, eq)), val = TextFormat.TrimSpace(line.Substring(eq + 1));
            switch (key)
            {
                case "cycles/second":
                    if (!GoStrconv.TryParseInt(val, 0, out cpuHz, out _)) return null;
                    break;
                case "sampling period":
                    if (!GoStrconv.TryParseInt(val, 0, out long period, out _)) return null;
                    p.Period = period;
                    break;
                case "ms since reset":
                    if (!GoStrconv.TryParseInt(val, 0, out long ms, out _)) return null;
                    p.DurationNanos = unchecked(ms * 1000 * 1000);
                    break;
                case "discarded samples":
                    break;
                default:
                    // Includes "format" and "resolution", which only Java contention profiles have.
                    return null;
            }
        }
        s.ThrowIfError();

        var cache = new LocationCache(p);
        while (true)
        {
            string line = TextFormat.TrimSpace(s.Text);
            if (line.StartsWith("---", StringComparison.Ordinal)) break;
            if (!LegacyParser.IsSpaceOrComment(line))
            {
                var m = LegacyRegex.Submatch(LegacyRegex.ContentionSample, line);
                if (m == null) return null;
                if (!GoStrconv.TryParseInt(m[1], 10, out long v1, out string? err) || !GoStrconv.TryParseInt(m[2], 10, out long v2, out err))
                    throw new ProfileFormatException($"malformed sample: {line}: {err}");
                // Unsample: delays to cycles and then nanoseconds, contentions by the sampling period.
                if (p.Period > 0)
                {
                    if (cpuHz > 0)
                    {
                        double cpuGHz = cpuHz / 1e9;
                        v1 = GoStrconv.FloatToInt64(v1 * (double)p.Period / cpuGHz);
                    }
                    v2 = unchecked(v2 * p.Period);
                }
                var addrs = LegacyRegex.HexAddresses(m[3], line);
                var sloc = new Location[addrs.Count];
                for (int i = 0; i < sloc.Length; i++) sloc[i] = cache.Get(unchecked(addrs[i] - 1));
                p.Samples.Add(new Sample(sloc, new[] { v2, v1 }));
            }
            if (!s.Scan()) break;
        }
        s.ThrowIfError();
        MemoryMap.ParseAdditionalSections(s, p);
        return p;
    }
}
