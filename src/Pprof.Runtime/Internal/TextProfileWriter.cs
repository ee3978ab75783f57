using Pprof.Profiles;
using System.Globalization;
using System.Text;

namespace Pprof.Runtime.Internal;

/// <summary>The debug=1 text form of a profile: a header with the totals, then each sample as its values, labels and
/// stack, one frame a line (<c>#	Function	file:line</c>), largest first.</summary>
internal static class TextProfileWriter
{
    public static void Write(Profile p, string name, Stream output)
    {
        var inv = CultureInfo.InvariantCulture;
        var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        var totals = new long[p.SampleTypes.Count];
        foreach (var s in p.Samples) for (int i = 0; i < totals.Length; i++) totals[i] += s.Values[i];
        w.Write(name);
        w.Write(" profile:");
        for (int i = 0; i < totals.Length; i++) w.Write(string.Create(inv, $" {p.SampleTypes[i].Type}={totals[i]} {p.SampleTypes[i].Unit}"));
        w.WriteLine();
        foreach (var c in p.Comments) w.WriteLine("# " + c);
        w.WriteLine();
        int sortBy = Math.Max(0, p.SampleTypes.FindIndex(t => t.Type == p.DefaultSampleType));
        if (p.DefaultSampleType.Length == 0) sortBy = p.SampleTypes.Count - 1;
        foreach (var s in p.Samples.OrderByDescending(s => s.Values.Length == 0 ? 0 : s.Values[sortBy]))
        {
            w.Write(string.Join(' ', s.Values.Select(v => v.ToString(inv))));
            w.Write(" @");
            foreach (var l in s.Locations) w.Write(string.Create(inv, $" 0x{l.Id:x}"));
            w.WriteLine();
            if (s.Labels != null) foreach (var (k, vs) in s.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteLine($"# label {k}={string.Join(",", vs)}");
            if (s.NumLabels != null) foreach (var (k, vs) in s.NumLabels.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteLine(string.Create(inv, $"# label {k}={string.Join(",", vs)}"));
            foreach (var l in s.Locations)
            {
                foreach (var line in l.Lines)
                {
                    var f = line.Function;
                    string where = f == null || f.Filename.Length == 0 ? "" : string.Create(inv, $"\t{f.Filename}:{line.LineNumber}");
                    w.WriteLine(string.Create(inv, $"#\t0x{l.Id:x}\t{f?.Name ?? "?"}{where}"));
                }
            }
            w.WriteLine();
        }
        w.Flush();
    }
}
