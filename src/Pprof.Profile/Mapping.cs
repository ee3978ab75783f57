namespace Pprof.Profiles;

/// <summary>A memory mapping of a binary or library into the address space of the profiled program.</summary>
public sealed class Mapping
{
    /// <summary>Unique non-zero id within a profile.</summary>
    public ulong Id { get; set; }

    /// <summary>Start of the address range.</summary>
    public ulong Start { get; set; }

    /// <summary>End of the address range (exclusive).</summary>
    public ulong Limit { get; set; }

    /// <summary>Offset in the binary that corresponds to <see cref="Start"/>.</summary>
    public ulong Offset { get; set; }

    /// <summary>Path of the mapped file.</summary>
    public string File { get; set; } = "";

    /// <summary>Build id of the mapped file.</summary>
    public string BuildId { get; set; } = "";

    /// <summary>Whether function names were resolved.</summary>
    public bool HasFunctions { get; set; }

    /// <summary>Whether file names were resolved.</summary>
    public bool HasFilenames { get; set; }

    /// <summary>Whether line numbers were resolved.</summary>
    public bool HasLineNumbers { get; set; }

    /// <summary>Whether inlined frames were resolved.</summary>
    public bool HasInlineFrames { get; set; }

    /// <summary>Returns a shallow copy with the same id.</summary>
    public Mapping Clone() => new()
    {
        Id = Id, Start = Start, Limit = Limit, Offset = Offset, File = File, BuildId = BuildId,
        HasFunctions = HasFunctions, HasFilenames = HasFilenames, HasLineNumbers = HasLineNumbers, HasInlineFrames = HasInlineFrames,
    };

    /// <summary>True when the mapping is not backed by a real file (anonymous memory, vdso, kernel) and cannot be symbolized.</summary>
    public bool Unsymbolizable
    {
        get
        {
            string name = System.IO.Path.GetFileName(File);
            return name.StartsWith('[') || name.StartsWith("linux-vdso", StringComparison.Ordinal) || File.StartsWith("/dev/dri/", StringComparison.Ordinal);
        }
    }
}
