using Pprof.Profiles.Go;
using System.Globalization;

namespace Pprof.Cli.Driver;

/// <summary>pprof's configuration: the options that shape a report. Set from flags, changed by shell assignments.</summary>
internal sealed class PprofConfig
{
    public string Output = "";
    public bool CallTree;
    public bool RelativePercentages;
    public string Unit = "minimum";
    public bool CompactLabels;
    public string SourcePath = "";
    public string TrimPath = "";
    public bool IntelSyntax;
    public bool Mean;
    public string SampleIndex = "";
    public double DivideBy = 1.0;
    public bool Normalize;
    public string Sort = "flat";
    public string TagRoot = "";
    public string TagLeaf = "";
    public bool DropNegative;
    public int NodeCount = -1;
    public double NodeFraction = 0.005;
    public double EdgeFraction = 0.001;
    public bool Trim = true;
    public string Focus = "";
    public string Ignore = "";
    public string PruneFrom = "";
    public string Hide = "";
    public string Show = "";
    public string ShowFrom = "";
    public string TagFocus = "";
    public string TagIgnore = "";
    public string TagShow = "";
    public string TagHide = "";
    public bool NoInlines;
    public string Granularity = "functions";

    /// <summary>Returns a copy.</summary>
    public PprofConfig Clone() => (PprofConfig)MemberwiseClone();

    /// <summary>Every configuration field, in pprof's declaration order.</summary>
    public static IReadOnlyList<ConfigField> Fields { get; } = BuildFields();

    private static readonly Dictionary<string, ConfigField> s_fieldMap = BuildMap();

    /// <summary>Finds the field named <paramref name="name"/>, or the multiple-choice field that has it as a choice.</summary>
    public static ConfigField? Lookup(string name) => s_fieldMap.GetValueOrDefault(name);

    /// <summary>True when <paramref name="name"/> is a field or a choice of one (pprof's isConfigurable).</summary>
    public static bool IsConfigurable(string name) => s_fieldMap.ContainsKey(name);

    /// <summary>True when <paramref name="name"/> is a boolean field or a choice (assignable without a value).</summary>
    public static bool IsBoolConfig(string name)
    {
        if (!s_fieldMap.TryGetValue(name, out var f)) return false;
        return f.Name != name || f.Kind == ConfigFieldKind.Bool;
    }

    /// <summary>Assigns <paramref name="value"/> to <paramref name="name"/> (a field, or a choice set by a true value),
    /// as pprof's <c>configure</c> does.</summary>
    public void Configure(string name, string value)
    {
        if (!s_fieldMap.TryGetValue(name, out var f)) throw new PprofException($"unknown config field \"{name}\"");
        if (f.Name == name)
        {
            f.Set(this, value);
            return;
        }
        if (GoStrconv.TryParseBool(value, out bool on) && on)
        {
            f.Set(this, name);
            return;
        }
        throw new PprofException($"unknown config field \"{name}\"");
    }

    /// <summary>Copies the fields that a report command must not keep from the current configuration (pprof's resetTransient).</summary>
    public void ResetTransient(PprofConfig current)
    {
        Output = current.Output;
        SourcePath = current.SourcePath;
        TrimPath = current.TrimPath;
        DivideBy = current.DivideBy;
        SampleIndex = current.SampleIndex;
    }

    private static string B(bool b) => b ? "true" : "false";

    private static string I(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static int ParseI(string s) =>
        GoStrconv.TryAtoi(s, out long v) ? (int)Math.Clamp(v, int.MinValue, int.MaxValue) : throw new PprofException($"strconv.Atoi: parsing {GoStrconv.Quote(s)}: invalid syntax");

    private static double ParseF(string s) =>
        GoStrconv.TryParseFloat(s, out double v) ? v : throw new PprofException($"strconv.ParseFloat: parsing {GoStrconv.Quote(s)}: invalid syntax");

    private static List<ConfigField> BuildFields()
    {
        static ConfigField Str(string n, string? url, bool saved, Func<PprofConfig, string> g, Action<PprofConfig, string> s, string[]? choices = null) =>
            new(n, ConfigFieldKind.String, saved, url, g, s, choices);
        static ConfigField Bool(string n, string? url, Func<PprofConfig, bool> g, Action<PprofConfig, bool> s) =>
            new(n, ConfigFieldKind.Bool, true, url, c => B(g(c)), (c, v) => s(c, v == "true"));
        static ConfigField Int(string n, string? url, Func<PprofConfig, int> g, Action<PprofConfig, int> s) =>
            new(n, ConfigFieldKind.Int, true, url, c => I(g(c)), (c, v) => s(c, ParseI(v)));
        static ConfigField Float(string n, string? url, bool saved, Func<PprofConfig, double> g, Action<PprofConfig, double> s) =>
            new(n, ConfigFieldKind.Float, saved, url, c => GoFormat.G(g(c)), (c, v) => s(c, ParseF(v)));

        var fields = new List<ConfigField>
        {
            Str("output", null, false, c => c.Output, (c, v) => c.Output = v),
            Bool("call_tree", "calltree", c => c.CallTree, (c, v) => c.CallTree = v),
            Bool("relative_percentages", "rel", c => c.RelativePercentages, (c, v) => c.RelativePercentages = v),
            Str("unit", "unit", true, c => c.Unit, (c, v) => c.Unit = v),
            Bool("compact_labels", "compact", c => c.CompactLabels, (c, v) => c.CompactLabels = v),
            Str("source_path", null, false, c => c.SourcePath, (c, v) => c.SourcePath = v),
            Str("trim_path", null, false, c => c.TrimPath, (c, v) => c.TrimPath = v),
            Bool("intel_syntax", "intel", c => c.IntelSyntax, (c, v) => c.IntelSyntax = v),
            Bool("mean", "mean", c => c.Mean, (c, v) => c.Mean = v),
            Str("sample_index", "si", false, c => c.SampleIndex, (c, v) => c.SampleIndex = v),
            Float("divide_by", null, false, c => c.DivideBy, (c, v) => c.DivideBy = v),
            Bool("normalize", "norm", c => c.Normalize, (c, v) => c.Normalize = v),
            Str("sort", "sort", true, c => c.Sort, (c, v) => c.Sort = v, ["cum", "flat"]),
            Str("tagroot", null, true, c => c.TagRoot, (c, v) => c.TagRoot = v),
            Str("tagleaf", null, true, c => c.TagLeaf, (c, v) => c.TagLeaf = v),
            Bool("drop_negative", "dropneg", c => c.DropNegative, (c, v) => c.DropNegative = v),
            Int("nodecount", "n", c => c.NodeCount, (c, v) => c.NodeCount = v),
            Float("nodefraction", "nf", true, c => c.NodeFraction, (c, v) => c.NodeFraction = v),
            Float("edgefraction", "ef", true, c => c.EdgeFraction, (c, v) => c.EdgeFraction = v),
            Bool("trim", "trim", c => c.Trim, (c, v) => c.Trim = v),
            Str("focus", "f", true, c => c.Focus, (c, v) => c.Focus = v),
            Str("ignore", "i", true, c => c.Ignore, (c, v) => c.Ignore = v),
            Str("prune_from", "prunefrom", true, c => c.PruneFrom, (c, v) => c.PruneFrom = v),
            Str("hide", "h", true, c => c.Hide, (c, v) => c.Hide = v),
            Str("show", "s", true, c => c.Show, (c, v) => c.Show = v),
            Str("show_from", "sf", true, c => c.ShowFrom, (c, v) => c.ShowFrom = v),
            Str("tagfocus", "tf", true, c => c.TagFocus, (c, v) => c.TagFocus = v),
            Str("tagignore", "ti", true, c => c.TagIgnore, (c, v) => c.TagIgnore = v),
            Str("tagshow", "ts", true, c => c.TagShow, (c, v) => c.TagShow = v),
            Str("taghide", "th", true, c => c.TagHide, (c, v) => c.TagHide = v),
            Bool("noinlines", "noinlines", c => c.NoInlines, (c, v) => c.NoInlines = v),
            Str("granularity", "g", true, c => c.Granularity, (c, v) => c.Granularity = v, ["functions", "filefunctions", "files", "lines", "addresses"]),
        };
        var def = new PprofConfig();
        foreach (var f in fields) f.DefaultValue = f.Get(def);
        return fields;
    }

    private static Dictionary<string, ConfigField> BuildMap()
    {
        var map = new Dictionary<string, ConfigField>(StringComparer.Ordinal);
        foreach (var f in Fields)
        {
            map[f.Name] = f;
            foreach (var choice in f.Choices) map[choice] = f;
        }
        return map;
    }
}
