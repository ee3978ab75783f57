namespace Pprof.Profiles;

/// <summary>A program location: an address in a mapping and the source lines (innermost inlined call first) it corresponds to.</summary>
public sealed class Location
{
    /// <summary>Unique non-zero id within a profile.</summary>
    public ulong Id { get; set; }

    /// <summary>The mapping that contains <see cref="Address"/>; null when unknown.</summary>
    public Mapping? Mapping { get; set; }

    /// <summary>Instruction address; 0 when unknown.</summary>
    public ulong Address { get; set; }

    /// <summary>Source lines, the innermost (inlined callee) first, the caller last.</summary>
    public Line[] Lines { get; set; } = Array.Empty<Line>();

    /// <summary>Whether this location was folded into its caller by the profiler.</summary>
    public bool IsFolded { get; set; }

    /// <summary>Returns a copy with the same id, mapping and functions.</summary>
    public Location Clone() => new() { Id = Id, Mapping = Mapping, Address = Address, Lines = (Line[])Lines.Clone(), IsFolded = IsFolded };
}
