using Pprof.Profiles.Go;
using System.Globalization;

namespace Pprof.Report;

/// <summary>The attributes that identify a graph node: function name, address, source file and line, object file.
/// Two nodes with equal <see cref="NodeInfo"/> are merged when a graph is built.</summary>
public struct NodeInfo : IEquatable<NodeInfo>
{
    private string? _name, _origName, _file, _objfile;

    /// <summary>Function name (empty when unknown).</summary>
    public string Name { readonly get => _name ?? ""; set => _name = value; }

    /// <summary>Original (system, e.g. mangled) function name, kept only with <see cref="GraphOptions.OrigFnNames"/>.</summary>
    public string OrigName { readonly get => _origName ?? ""; set => _origName = value; }

    /// <summary>Instruction address; 0 unless the graph is built at address granularity.</summary>
    public ulong Address { get; set; }

    /// <summary>Source file name (cleaned).</summary>
    public string File { readonly get => _file ?? ""; set => _file = value; }

    /// <summary>Line where the function starts (kept with object names).</summary>
    public long StartLine { get; set; }

    /// <summary>Source line number; 0 unless the graph is built at line granularity.</summary>
    public long Lineno { get; set; }

    /// <summary>Object (binary) file name.</summary>
    public string Objfile { readonly get => _objfile ?? ""; set => _objfile = value; }

    /// <summary>The name components joined with single spaces.</summary>
    public readonly string PrintableName() => string.Join(' ', NameComponents());

    /// <summary>The parts of the node's display name: the address (16 hex digits) when set, the function name when
    /// set, then <c>file:line</c>, the file, <c>[objfile]</c> or <c>&lt;unknown&gt;</c>, whichever is most specific.</summary>
    public readonly List<string> NameComponents()
    {
        var name = new List<string>(3);
        if (Address != 0) name.Add(Address.ToString("x16", CultureInfo.InvariantCulture));
        if (Name.Length != 0) name.Add(Name);
        if (Lineno != 0) name.Add(File + ":" + Lineno.ToString(CultureInfo.InvariantCulture));
        else if (File.Length != 0) name.Add(File);
        else if (Name.Length != 0) { }
        else if (Objfile.Length != 0) name.Add("[" + GoPath.Base(Objfile) + "]");
        else name.Add("<unknown>");
        return name;
    }

    /// <summary>Go's <c>fmt.Sprint</c> of the struct (<c>{Name OrigName Address File StartLine Lineno Objfile}</c>),
    /// used as the last tie-break when sorting nodes.</summary>
    internal readonly string GoString() =>
        "{" + Name + " " + OrigName + " " + Address.ToString(CultureInfo.InvariantCulture) + " " + File + " " +
        StartLine.ToString(CultureInfo.InvariantCulture) + " " + Lineno.ToString(CultureInfo.InvariantCulture) + " " + Objfile + "}";

    /// <inheritdoc />
    public readonly bool Equals(NodeInfo other) =>
        Address == other.Address && Lineno == other.Lineno && StartLine == other.StartLine &&
        string.Equals(Name, other.Name, StringComparison.Ordinal) &&
        string.Equals(File, other.File, StringComparison.Ordinal) &&
        string.Equals(OrigName, other.OrigName, StringComparison.Ordinal) &&
        string.Equals(Objfile, other.Objfile, StringComparison.Ordinal);

    /// <inheritdoc />
    public override readonly bool Equals(object? obj) => obj is NodeInfo other && Equals(other);

    /// <inheritdoc />
    public override readonly int GetHashCode() => HashCode.Combine(Name, Address, File, Lineno, OrigName, Objfile, StartLine);

    /// <summary>Equality of all attributes.</summary>
    public static bool operator ==(NodeInfo left, NodeInfo right) => left.Equals(right);

    /// <summary>Inequality of any attribute.</summary>
    public static bool operator !=(NodeInfo left, NodeInfo right) => !left.Equals(right);

    /// <inheritdoc />
    public override readonly string ToString() => PrintableName();
}
