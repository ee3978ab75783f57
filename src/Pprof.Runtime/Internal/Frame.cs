namespace Pprof.Runtime.Internal;

/// <summary>One resolved stack frame: a display name, the raw runtime name, a source position when known, and the
/// instruction pointer with the name of the code's mapping (0 and "" for synthetic frames). Instances are interned per
/// session, so reference equality is frame equality within a session.</summary>
internal sealed class Frame
{
    public Frame(string name, string systemName, string module, string file, long startLine, long line, ulong address = 0, string mapping = "")
    {
        Name = name;
        SystemName = systemName;
        Module = module;
        File = file;
        StartLine = startLine;
        Line = line;
        Address = address;
        Mapping = mapping;
    }

    public string Name { get; }
    public string SystemName { get; }
    public string Module { get; }
    public string File { get; }
    public long StartLine { get; }
    public long Line { get; }

    /// <summary>The instruction pointer (a return address for callers), or 0 for a synthetic frame.</summary>
    public ulong Address { get; }

    /// <summary>The pprof mapping the address belongs to (<see cref="JitMapping"/> for jitted code), or "".</summary>
    public string Mapping { get; }

    /// <summary>The mapping name of jitted code: in brackets, like <c>[vdso]</c>, so that pprof never looks for it on
    /// disk; functions, files and lines come with the profile.</summary>
    public const string JitMapping = "[jit]";

    /// <summary>A synthetic frame, used as a leaf (for example an allocated type) or for unresolved code.</summary>
    public static Frame Synthetic(string name) => new(name, name, "", "", 0, 0);
}
