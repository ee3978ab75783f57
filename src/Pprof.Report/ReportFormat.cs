namespace Pprof.Report;

/// <summary>The report kinds pprof produces (its <c>report</c> package's output formats).</summary>
public enum ReportFormat
{
    /// <summary>callgrind/kcachegrind format.</summary>
    Callgrind,
    /// <summary>The profile's comments.</summary>
    Comments,
    /// <summary>Disassembly.</summary>
    Dis,
    /// <summary>Graphviz DOT call graph.</summary>
    Dot,
    /// <summary>Annotated source listing.</summary>
    List,
    /// <summary>The profile as gzipped profile.proto.</summary>
    Proto,
    /// <summary>The profile's raw text form.</summary>
    Raw,
    /// <summary>Tag (label) histograms.</summary>
    Tags,
    /// <summary>The top table.</summary>
    Text,
    /// <summary>The top nodes as a profile.</summary>
    TopProto,
    /// <summary>Every sample's stack.</summary>
    Traces,
    /// <summary>Callers and callees of each node (also peek).</summary>
    Tree,
    /// <summary>Source and disassembly as HTML.</summary>
    WebList,
}
