using System.Globalization;
using System.Text;

namespace Pprof.Report.Reports;

/// <summary>The callgrind/kcachegrind format (<c>-callgrind</c>).</summary>
internal static class CallgrindReport
{
    internal static void Write(TextWriter w, ReportContext rpt)
    {
        var o = rpt.Options;
        rpt.NodeFraction = 0;
        rpt.EdgeFraction = 0;
        rpt.NodeCount = 0;

        var g = rpt.NewTrimmedGraph().Graph;
        rpt.SelectOutputUnit(g);
        var nodeNames = DisambiguatedNames(g);

        w.Write("positions: instr line\n");
        w.Write("events: " + o.SampleType + "(" + rpt.OutputUnit + ")\n");

        var objfiles = new Dictionary<string, int>(StringComparer.Ordinal);
        var files = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var sb = new StringBuilder(256);
        NodeInfo? prev = null;
        foreach (var n in g.Nodes)
        {
            var info = n.Info;
            sb.Clear();
            if (prev is not { } p || info.Objfile != p.Objfile || info.File != p.File || info.Name != p.Name)
            {
                sb.Append('\n');
                sb.Append("ob=").Append(Name(objfiles, info.Objfile)).Append('\n');
                sb.Append("fl=").Append(Name(files, info.File)).Append('\n');
                sb.Append("fn=").Append(Name(names, info.Name)).Append('\n');
            }
            long sv = (long)Measurement.Scale(n.FlatValue(), o.SampleUnit, rpt.OutputUnit).Value;
            sb.Append(Address(prev, info.Address)).Append(' ')
              .Append(info.Lineno.ToString(CultureInfo.InvariantCulture)).Append(' ')
              .Append(sv.ToString(CultureInfo.InvariantCulture)).Append('\n');
            foreach (var e in n.Out.Sort())
            {
                long c = (long)Measurement.Scale(e.Weight, o.SampleUnit, rpt.OutputUnit).Value;
                var callee = e.Dest;
                sb.Append("cfl=").Append(Name(files, callee.Info.File)).Append('\n');
                sb.Append("cfn=").Append(Name(names, nodeNames[callee])).Append('\n');
                sb.Append("calls=0 ").Append(Address(prev, callee.Info.Address)).Append(' ')
                  .Append(callee.Info.Lineno.ToString(CultureInfo.InvariantCulture)).Append('\n');
                sb.Append("* * ").Append(c.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            w.Write(sb);
            prev = info;
        }
    }

    /// <summary>Callgrind merges functions with the same file and name; nodes of the same name that stand for
    /// different <see cref="Node.Function"/>s (call-tree contexts) get a " [i/n]" suffix.</summary>
    private static Dictionary<Node, string> DisambiguatedNames(Graph g)
    {
        var nameFunctionIndex = new Dictionary<(string File, string Name), Dictionary<Node, int>>();
        foreach (var n in g.Nodes)
        {
            var key = (n.Info.File, n.Info.Name);
            if (!nameFunctionIndex.TryGetValue(key, out var p))
            {
                p = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
                nameFunctionIndex[key] = p;
            }
            p.TryAdd(n.Function, p.Count);
        }
        var nodeName = new Dictionary<Node, string>(g.Nodes.Count, ReferenceEqualityComparer.Instance);
        foreach (var n in g.Nodes)
        {
            var p = nameFunctionIndex[(n.Info.File, n.Info.Name)];
            string name = n.Info.Name;
            if (p.Count > 1) name += string.Create(CultureInfo.InvariantCulture, $" [{p[n.Function] + 1}/{p.Count}]");
            nodeName[n] = name;
        }
        return nodeName;
    }

    /// <summary>Callgrind's name compression: "(N) name" the first time, "(N)" afterwards; empty stays empty.</summary>
    private static string Name(Dictionary<string, int> names, string name)
    {
        if (name.Length == 0) return "";
        if (names.TryGetValue(name, out int id)) return string.Create(CultureInfo.InvariantCulture, $"({id})");
        id = names.Count + 1;
        names[name] = id;
        return string.Create(CultureInfo.InvariantCulture, $"({id}) {name}");
    }

    /// <summary>Callgrind's subposition compression: "*" for the previous address, a signed offset when shorter
    /// than the absolute hex address.</summary>
    private static string Address(NodeInfo? prev, ulong curr)
    {
        string abs = "0x" + curr.ToString("x", CultureInfo.InvariantCulture);
        if (prev is not { } p) return abs;
        if (p.Address == curr) return "*";
        long diff = unchecked((long)(curr - p.Address));
        string relative = (diff >= 0 ? "+" : "") + diff.ToString(CultureInfo.InvariantCulture);
        return relative.Length < abs.Length ? relative : abs;
    }
}
