namespace Pprof.Demo.Shop.Faults;

/// <summary>Which faults are on. Set at start (<c>--faults cpu,leak</c>, <c>all</c>, <c>none</c>; or the
/// <c>SHOP_FAULTS</c> environment variable) and while running (<c>POST /faults/{name}?on=true|false</c>).</summary>
internal sealed class FaultSwitches
{
    private static readonly (string Name, Fault Fault)[] s_names =
    {
        ("cpu", Fault.Cpu),
        ("leak", Fault.Leak),
        ("lock", Fault.Lock),
        ("async", Fault.Async),
        ("sync-over-async", Fault.SyncOverAsync),
        ("exceptions", Fault.Exceptions),
    };

    private readonly bool[] _on = new bool[s_names.Length];

    /// <summary>The command-line names of every fault, in declaration order.</summary>
    public static IEnumerable<string> Names => s_names.Select(n => n.Name);

    /// <summary>Whether <paramref name="fault"/> is on.</summary>
    public bool IsOn(Fault fault) => Volatile.Read(ref _on[(int)fault]);

    /// <summary>Switches <paramref name="fault"/> on or off.</summary>
    public void Set(Fault fault, bool on) => Volatile.Write(ref _on[(int)fault], on);

    /// <summary>The fault named <paramref name="name"/> (its command-line name), or null.</summary>
    public static Fault? Parse(string name)
    {
        foreach (var (n, f) in s_names)
            if (string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase)) return f;
        return null;
    }

    /// <summary>The command-line name of <paramref name="fault"/>.</summary>
    public static string NameOf(Fault fault) => s_names.First(n => n.Fault == fault).Name;

    /// <summary>Switches on the faults in a comma-separated list (<c>all</c> and <c>none</c> allowed). Throws
    /// <see cref="ArgumentException"/> on an unknown name, listing the known ones.</summary>
    public void Apply(string? list)
    {
        if (string.IsNullOrWhiteSpace(list)) return;
        foreach (var raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                for (int i = 0; i < _on.Length; i++) Set((Fault)i, true);
            }
            else if (raw.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                for (int i = 0; i < _on.Length; i++) Set((Fault)i, false);
            }
            else
            {
                var f = Parse(raw) ?? throw new ArgumentException(
                    $"unknown fault \"{raw}\"; known: {string.Join(", ", Names)}, all, none");
                Set(f, true);
            }
        }
    }

    /// <summary>The state of every fault, by command-line name.</summary>
    public IReadOnlyDictionary<string, bool> Snapshot()
        => s_names.ToDictionary(n => n.Name, n => IsOn(n.Fault), StringComparer.Ordinal);
}
