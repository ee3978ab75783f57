namespace Pprof.Runtime.Internal;

/// <summary>One resolved stack frame: a display name, the raw runtime name, and a source position when known.
/// Instances are interned per session, so reference equality is frame equality within a session.</summary>
internal sealed class Frame
{
    public Frame(string name, string systemName, string module, string file, long startLine, long line)
    {
        Name = name;
        SystemName = systemName;
        Module = module;
        File = file;
        StartLine = startLine;
        Line = line;
    }

    public string Name { get; }
    public string SystemName { get; }
    public string Module { get; }
    public string File { get; }
    public long StartLine { get; }
    public long Line { get; }

    /// <summary>A synthetic frame, used as a leaf (for example an allocated type) or for unresolved code.</summary>
    public static Frame Synthetic(string name) => new(name, name, "", "", 0, 0);
}
