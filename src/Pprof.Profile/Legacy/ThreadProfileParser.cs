namespace Pprof.Profiles.Legacy;

/// <summary>Thread profiles (threadz): one stack per thread, "same as previous thread" markers, then a memory map.</summary>
internal static class ThreadProfileParser
{
    public static Profile? TryParse(string text)
    {
        var s = new LineScanner(text);
        while (s.Scan() && LegacyParser.IsSpaceOrComment(s.Text))
        {
        }
        string line = s.Text;
        if (LegacyRegex.ThreadzStart.IsMatch(line))
        {
            // Skip the header comments up to the first stack.
            while (s.Scan())
            {
                line = s.Text;
                if (LegacyParser.IsMemoryMapSentinel(line) || line.StartsWith('-')) break;
            }
        }
        else if (!LegacyRegex.ThreadStart.IsMatch(line))
        {
            return null;
        }

        var p = new Profile
        {
            SampleTypes = { new ProfileValueType("thread", "count") },
            PeriodType = new ProfileValueType("thread", "count"),
            Period = 1,
        };
        var cache = new LocationCache(p);
        while (!LegacyParser.IsMemoryMapSentinel(line))
        {
            if (line.StartsWith("---- no stack trace for", StringComparison.Ordinal))
            {
                line = "";
                break;
            }
            if (!LegacyRegex.ThreadStart.IsMatch(line)) return null;
            line = ParseThreadSample(s, out var addrs);
            if (addrs == null || addrs.Count == 0)
            {
                // "same as previous thread": count it on the previous sample.
                if (p.Samples.Count > 0) p.Samples[^1].Values[0]++;
                continue;
            }
            var sloc = new Location[addrs.Count];
            for (int i = 0; i < sloc.Length; i++)
            {
                // Return addresses (all but the leaf) step back onto the call instruction.
                sloc[i] = cache.Get(i > 0 ? unchecked(addrs[i] - 1) : addrs[i]);
            }
            p.Samples.Add(new Sample(sloc, new long[] { 1 }));
        }
        MemoryMap.ParseAdditionalSections(s, p);
        MemoryMap.CleanupDuplicateLocations(p);
        return p;
    }

    /// <summary>Reads one stack; returns the line after it. <paramref name="addrs"/> is null for "same as previous thread".</summary>
    private static string ParseThreadSample(LineScanner s, out List<ulong>? addrs)
    {
        string line = "";
        bool sameAsPrevious = false;
        var result = new List<ulong>();
        while (s.Scan())
        {
            line = TextFormat.TrimSpace(s.Text);
            if (line.Length == 0) continue;
            if (line.StartsWith("---", StringComparison.Ordinal)) break;
            if (line.Contains("same as previous thread", StringComparison.Ordinal))
            {
                sameAsPrevious = true;
                continue;
            }
            result.AddRange(LegacyRegex.HexAddresses(line, line));
        }
        s.ThrowIfError();
        addrs = sameAsPrevious ? null : result;
        return line;
    }
}
