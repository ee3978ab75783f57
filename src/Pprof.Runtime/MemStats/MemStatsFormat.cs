using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pprof.Runtime.MemStats;

/// <summary>Writes <see cref="MemStats"/> as Go does: the <c># runtime.MemStats</c> trailer of a debug=1 heap profile,
/// and the JSON of expvar's <c>/debug/vars</c> (<c>cmdline</c>, <c>memstats</c>). Fields with a Go counterpart carry
/// its name (Alloc, TotalAlloc, Sys, HeapAlloc, HeapSys, NumGC, PauseTotalNs, PauseNs, LastGC, GCCPUFraction); the
/// .NET-only ones are named after the .NET concept.</summary>
public static class MemStatsFormat
{
    /// <summary>The <c># runtime.MemStats</c> comment block.</summary>
    public static string Trailer(MemStats m)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        void Line(string name, object? value)
        {
            if (value == null) return;
            sb.Append("# ").Append(name).Append(" = ").Append(Convert.ToString(value, inv)).Append('\n');
        }
        sb.Append("\n# runtime.MemStats\n");
        Line("Alloc", m.Alloc);
        Line("TotalAlloc", m.TotalAlloc);
        Line("Sys", m.Rss);
        Line("HeapAlloc", m.Alloc);
        Line("HeapSys", m.Committed);
        Line("HeapInuse", m.HeapSize);
        Line("HeapFragmented", m.Fragmented);
        foreach (var (g, size) in m.GenerationSizes) Line("HeapSize[" + g + "]", size);
        foreach (var (g, frag) in m.GenerationFragmentation) Line("HeapFragmented[" + g + "]", frag);
        Line("NumGC", m.NumGC);
        foreach (var (g, count) in m.Collections) Line("NumGC[" + g + "]", count);
        Line("PauseTotalNs", m.PauseTotalNs);
        if (m.RecentPausesNs != null) sb.Append("# PauseNs = [").Append(string.Join(' ', m.RecentPausesNs.Select(p => p.ToString(inv)))).Append("]\n");
        if (m.LastGC != null) Line("LastGC", (m.LastGC.Value - DateTime.UnixEpoch).Ticks * 100);
        if (m.GCCPUFraction != null) Line("GCCPUFraction", m.GCCPUFraction.Value.ToString("G6", inv));
        Line("FinalizationPending", m.FinalizationPending);
        Line("PinnedObjects", m.PinnedObjects);
        Line("TotalAvailableMemory", m.TotalAvailableMemory);
        Line("RSS", m.Rss);
        Line("VIRT", m.Virt);
        Line("SHR", m.Shr);
        if (m.CgroupVersion != null)
        {
            sb.Append("# Cgroup = ").Append(m.CgroupVersion).Append('\n');
            sb.Append("# CgroupLimit = ").Append(m.CgroupLimit?.ToString(inv) ?? "max").Append('\n');
            Line("CgroupUsage", m.CgroupUsage);
        }
        return sb.ToString();
    }

    /// <summary>expvar-style JSON: <c>{"cmdline": [...], "memstats": {...}}</c>.</summary>
    public static string Json(MemStats m, bool indented = true)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteStartArray("cmdline");
            foreach (string a in m.CommandLine) w.WriteStringValue(a);
            w.WriteEndArray();
            w.WriteStartObject("memstats");
            void Num(string name, long? v)
            {
                if (v != null) w.WriteNumber(name, v.Value);
            }
            Num("Alloc", m.Alloc);
            Num("TotalAlloc", m.TotalAlloc);
            Num("Sys", m.Rss);
            Num("HeapAlloc", m.Alloc);
            Num("HeapSys", m.Committed);
            Num("HeapInuse", m.HeapSize);
            Num("HeapFragmented", m.Fragmented);
            Num("NumGC", m.NumGC);
            Num("NumForcedGC", m.NumForcedGC);
            Num("PauseTotalNs", m.PauseTotalNs);
            if (m.RecentPausesNs != null)
            {
                w.WriteStartArray("PauseNs");
                foreach (long p in m.RecentPausesNs) w.WriteNumberValue(p);
                w.WriteEndArray();
            }
            if (m.LastGC != null) w.WriteNumber("LastGC", (m.LastGC.Value - DateTime.UnixEpoch).Ticks * 100);
            if (m.GCCPUFraction != null) w.WriteNumber("GCCPUFraction", m.GCCPUFraction.Value);
            Map("HeapSizeByGeneration", m.GenerationSizes);
            Map("FragmentedByGeneration", m.GenerationFragmentation);
            Map("NumGCByGeneration", m.Collections);
            Num("FinalizationPending", m.FinalizationPending);
            Num("PinnedObjects", m.PinnedObjects);
            Num("TotalAvailableMemory", m.TotalAvailableMemory);
            Num("RSS", m.Rss);
            Num("VIRT", m.Virt);
            Num("SHR", m.Shr);
            if (m.CgroupVersion != null)
            {
                w.WriteString("Cgroup", m.CgroupVersion);
                // As in the text form: a cgroup without a memory limit ("max") has CgroupLimit null.
                if (m.CgroupLimit is long limit) w.WriteNumber("CgroupLimit", limit);
                else w.WriteNull("CgroupLimit");
            }
            Num("CgroupUsage", m.CgroupUsage);
            w.WriteString("Source", m.Source);
            w.WriteEndObject();
            w.WriteEndObject();

            void Map(string name, Dictionary<string, long> d)
            {
                if (d.Count == 0) return;
                w.WriteStartObject(name);
                foreach (var (k, v) in d) w.WriteNumber(k, v);
                w.WriteEndObject();
            }
        }
        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }
}
