using Pprof.Profiles;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime;

/// <summary>A profile that can be written at any time, looked up by name with <see cref="Profiler.Lookup"/>
/// (like Go's <c>pprof.Lookup(name).WriteTo(w, debug)</c>).</summary>
public abstract class NamedProfile
{
    /// <summary>Creates a named profile.</summary>
    protected NamedProfile(string name) => Name = name;

    /// <summary>The profile's name.</summary>
    public string Name { get; }

    /// <summary>Builds the profile as it stands now.</summary>
    public abstract Profile Build();

    /// <summary>Writes the profile: <paramref name="debug"/> 0 writes gzipped profile.proto, 1 or more readable text.</summary>
    public virtual void WriteTo(Stream output, int debug = 0)
    {
        ArgumentNullException.ThrowIfNull(output);
        var p = Build();
        if (debug <= 0) p.Write(output);
        else TextProfileWriter.Write(p, Name, output);
    }
}
