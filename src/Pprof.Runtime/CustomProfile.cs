using Pprof.Profiles;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime;

/// <summary>A profile the application maintains itself (Go's <c>pprof.NewProfile</c>): it records the stack of each
/// <see cref="Add"/> for a value until <see cref="Remove"/>, and writes the live values by stack as NAME/count.</summary>
public sealed class CustomProfile : NamedProfile
{
    private readonly Dictionary<object, Frame[]> _entries = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, Frame> _frames = new(StringComparer.Ordinal);

    internal CustomProfile(string name) : base(name) { }

    /// <summary>Number of values currently in the profile.</summary>
    public int Count
    {
        get
        {
            lock (_entries) return _entries.Count;
        }
    }

    /// <summary>Adds <paramref name="value"/> with the caller's stack, skipping <paramref name="skip"/> more frames.
    /// Throws when the value is already in the profile, as Go does.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Add(object value, int skip = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trace = new StackTrace(1 + Math.Max(0, skip), fNeedFileInfo: true);
        var frames = new List<Frame>(trace.FrameCount);
        lock (_entries)
        {
            foreach (var sf in trace.GetFrames())
            {
                var m = sf.GetMethod();
                if (m == null) continue;
                string raw = (m.DeclaringType?.FullName ?? "") + "." + m.Name;
                string file = sf.GetFileName() ?? "";
                int line = sf.GetFileLineNumber();
                string key = raw + "|" + file + "|" + line;
                if (!_frames.TryGetValue(key, out var f))
                {
                    f = new Frame(FrameNames.Format(raw), raw, m.Module.FullyQualifiedName, file, 0, line);
                    _frames.Add(key, f);
                }
                frames.Add(f);
            }
            if (!_entries.TryAdd(value, frames.ToArray())) throw new InvalidOperationException($"pprof: Profile.Add of duplicate value in profile {Name}");
        }
    }

    /// <summary>Removes <paramref name="value"/>; nothing happens when it is not in the profile.</summary>
    public void Remove(object value)
    {
        lock (_entries) _entries.Remove(value);
    }

    /// <inheritdoc />
    public override Profile Build(CancellationToken cancellationToken = default)
    {
        var b = new ProfileBuilder(new[] { new ProfileValueType(Name, "count") }, "", new ProfileValueType(Name, "count"), 1);
        lock (_entries)
        {
            Span<double> one = stackalloc double[] { 1 };
            foreach (var stack in _entries.Values) b.Add(stack, one, SampleLabels.None);
        }
        return b.Build(DateTime.UtcNow, TimeSpan.Zero, Array.Empty<string>());
    }
}
