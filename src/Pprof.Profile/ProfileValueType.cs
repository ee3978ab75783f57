namespace Pprof.Profiles;

/// <summary>A sample or period type: what a value measures (<c>cpu</c>, <c>alloc_space</c>) and in what unit (<c>nanoseconds</c>, <c>bytes</c>).</summary>
public sealed class ProfileValueType
{
    /// <summary>Creates a value type.</summary>
    public ProfileValueType(string type, string unit)
    {
        Type = type;
        Unit = unit;
    }

    /// <summary>The kind of value, for example <c>samples</c> or <c>inuse_space</c>.</summary>
    public string Type { get; set; }

    /// <summary>The unit of the value, for example <c>count</c>, <c>nanoseconds</c> or <c>bytes</c>.</summary>
    public string Unit { get; set; }

    /// <summary>Returns a copy.</summary>
    public ProfileValueType Clone() => new(Type, Unit);

    /// <inheritdoc />
    public override string ToString() => Type + "/" + Unit;
}
