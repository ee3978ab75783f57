namespace Pprof.Profiles;

/// <summary>A function: a name, its system (mangled) name, its source file and start line.</summary>
public sealed class Function
{
    /// <summary>Unique non-zero id within a profile.</summary>
    public ulong Id { get; set; }

    /// <summary>Human-readable name, for example <c>main.main</c> or <c>Namespace.Type.Method</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>Name as seen by the system (mangled, for example).</summary>
    public string SystemName { get; set; } = "";

    /// <summary>Source file that contains the function.</summary>
    public string Filename { get; set; } = "";

    /// <summary>Line number in <see cref="Filename"/> where the function starts.</summary>
    public long StartLine { get; set; }

    /// <summary>Returns a shallow copy with the same id.</summary>
    public Function Clone() => new() { Id = Id, Name = Name, SystemName = SystemName, Filename = Filename, StartLine = StartLine };
}
