using System.Text.Json;

namespace Pprof.Traces;

/// <summary>Writes the thread samples of an execution trace in speedscope's file format
/// (https://www.speedscope.app/file-format-schema.json): one sampled profile per thread, named after it, each sample
/// weighted by the time to the thread's next sample (at most 10 ms), in nanoseconds.</summary>
public static class SpeedscopeWriter
{
    /// <summary>Writes <paramref name="trace"/>'s samples to <paramref name="output"/>.</summary>
    public static void Write(NetTrace trace, Stream output, string name = "dotnet-pprof trace")
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(output);
        var frameIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var frames = new List<TraceFrame>();
        var profiles = new List<(string Name, List<int[]> Stacks, List<long> Weights, long Start, long End)>();
        foreach (var byThread in trace.Samples.GroupBy(s => s.ThreadId).OrderBy(g => g.Key))
        {
            var list = byThread.OrderBy(s => s.TimeNanos).ToList();
            var stacks = new List<int[]>(list.Count);
            var weights = new List<long>(list.Count);
            for (int i = 0; i < list.Count; i++)
            {
                var s = list[i];
                if (s.StackId < 0) continue;
                long next = i + 1 < list.Count ? list[i + 1].TimeNanos : s.TimeNanos + 1_000_000;
                long weight = Math.Clamp(next - s.TimeNanos, 1, NetTraceReader.MaxSampleWeightNanos);
                var st = trace.Stacks[s.StackId];
                var idx = new int[st.Count];
                // Speedscope lists a stack from the root to the leaf; ours are leaf first.
                for (int k = 0; k < st.Count; k++)
                {
                    var f = st[st.Count - 1 - k];
                    if (!frameIndex.TryGetValue(f.Function, out int fi))
                    {
                        fi = frames.Count;
                        frames.Add(f);
                        frameIndex.Add(f.Function, fi);
                    }
                    idx[k] = fi;
                }
                stacks.Add(idx);
                weights.Add(weight);
            }
            if (stacks.Count == 0) continue;
            profiles.Add(($"{trace.ThreadName(byThread.Key)} ({byThread.Key})", stacks, weights, list[0].TimeNanos, list[^1].TimeNanos + weights[^1]));
        }
        using var w = new Utf8JsonWriter(output);
        w.WriteStartObject();
        w.WriteString("$schema", "https://www.speedscope.app/file-format-schema.json");
        w.WriteString("name", name);
        w.WriteString("exporter", "dotnet-pprof");
        w.WriteNumber("activeProfileIndex", 0);
        w.WriteStartObject("shared");
        w.WriteStartArray("frames");
        foreach (var f in frames)
        {
            w.WriteStartObject();
            w.WriteString("name", f.Function);
            if (f.Module.Length > 0) w.WriteString("file", f.Module);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("profiles");
        foreach (var p in profiles)
        {
            w.WriteStartObject();
            w.WriteString("type", "sampled");
            w.WriteString("name", p.Name);
            w.WriteString("unit", "nanoseconds");
            w.WriteNumber("startValue", p.Start);
            w.WriteNumber("endValue", p.End);
            w.WriteStartArray("samples");
            foreach (var s in p.Stacks)
            {
                w.WriteStartArray();
                foreach (int i in s) w.WriteNumberValue(i);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteStartArray("weights");
            foreach (long x in p.Weights) w.WriteNumberValue(x);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
