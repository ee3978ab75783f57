using Pprof.Runtime.Internal;

namespace Pprof.Runtime;

/// <summary>The native code ranges of this process's jitted methods, with their pprof frame names, read from the
/// runtime's method rundown (start address and size of every method's code). Answers "which method holds this code
/// address", as Go's <c>runtime.FuncForPC</c> does for the symbol endpoint. Methods are jitted all the time: load a
/// new table when an address is not found and the table is older than a few seconds.</summary>
public sealed class MethodSymbols
{
    private readonly ulong[] _starts;
    private readonly ulong[] _ends;
    private readonly string[] _names;

    private MethodSymbols(List<(ulong Start, ulong End, string Name)> ranges, DateTime loaded)
    {
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        _starts = ranges.Select(r => r.Start).ToArray();
        _ends = ranges.Select(r => r.End).ToArray();
        _names = ranges.Select(r => r.Name).ToArray();
        Loaded = loaded;
    }

    /// <summary>When the table was read.</summary>
    public DateTime Loaded { get; }

    /// <summary>The number of code ranges.</summary>
    public int Count => _starts.Length;

    /// <summary>The method whose code holds <paramref name="address"/> (its pprof frame name), or null.</summary>
    public string? Lookup(ulong address)
    {
        int i = Array.BinarySearch(_starts, address);
        if (i < 0) i = ~i - 1;
        // Ranges may nest when a method was rejitted into a range that overlaps older code: look back a little.
        for (int j = i; j >= 0 && j > i - 8; j--)
        {
            if (address >= _starts[j] && address < _ends[j]) return _names[j];
        }
        return null;
    }

    /// <summary>All ranges (start, end exclusive, name), for tests and diagnostics.</summary>
    internal IEnumerable<(ulong Start, ulong End, string Name)> Ranges
    {
        get
        {
            for (int i = 0; i < _starts.Length; i++) yield return (_starts[i], _ends[i], _names[i]);
        }
    }

    /// <summary>Reads the table of this process: a short EventPipe session whose end rundown lists every jitted method
    /// (stopped through the bounded stop path). Throws <see cref="ProfilerException"/> when the process cannot be
    /// traced. Takes about as long as the runtime needs to list its methods (typically well under a second).</summary>
    public static MethodSymbols Load(CancellationToken cancellationToken = default)
    {
        var ranges = new List<(ulong, ulong, string)>();
        CodeRundown.Read(Environment.ProcessId, d =>
        {
            if (d.MethodSize <= 0 || d.MethodStartAddress == 0) return;
            string full = d.MethodNamespace + "." + d.MethodName;
            string name;
            try
            {
                name = FrameNames.Format(full);
            }
            catch (ArgumentException)
            {
                name = full; // a name the formatter does not know: keep the runtime's
            }
            lock (ranges) ranges.Add((d.MethodStartAddress, d.MethodStartAddress + (ulong)d.MethodSize, name));
        }, null, cancellationToken);
        lock (ranges) return new MethodSymbols(ranges, DateTime.UtcNow);
    }
}
