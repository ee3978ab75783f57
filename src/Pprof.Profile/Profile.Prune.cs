using Pprof.Profiles.Go;
using System.Text.RegularExpressions;
using Pprof.Profiles.Ops;

namespace Pprof.Profiles;

public sealed partial class Profile
{
    private const byte PruneWhole = 1, PruneBeneath = 2;

    /// <summary>Removes from every stack the frames beneath (callees of) a frame whose simplified function name
    /// matches <paramref name="dropRx"/> and not <paramref name="keepRx"/>, together with that frame itself; frames
    /// before the first (from the root) frame that matches nothing are never pruned, so a stack is not emptied by a
    /// matching root. This is how pprof applies a profile's drop_frames and keep_frames.</summary>
    public void Prune(Regex dropRx, Regex? keepRx)
    {
        ArgumentNullException.ThrowIfNull(dropRx);
        var flags = IdMap<byte>.ForLocations(Locations);
        foreach (var loc in Locations)
        {
            var lines = loc.Lines;
            int i;
            for (i = lines.Length - 1; i >= 0; i--)
            {
                if (lines[i].Function is { Name.Length: > 0 } fn)
                {
                    string name = SimplifyFunctionName(fn.Name);
                    if (dropRx.IsMatch(name) && (keepRx == null || !keepRx.IsMatch(name))) break;
                }
            }
            if (i < 0) continue;
            if (i == lines.Length - 1)
            {
                // The outermost frame matched: the whole location goes.
                flags.Set(loc.Id, PruneWhole | PruneBeneath);
            }
            else
            {
                flags.Set(loc.Id, PruneBeneath);
                loc.Lines = lines.AsSpan(i + 1).ToArray();
            }
        }

        foreach (var s in Samples)
        {
            var locs = s.Locations;
            bool foundUser = false;
            for (int i = locs.Length - 1; i >= 0; i--)
            {
                byte f = flags.GetOrDefault(locs[i].Id);
                if (f == 0)
                {
                    foundUser = true;
                    continue;
                }
                if (!foundUser) continue;
                int from = (f & PruneWhole) != 0 ? i + 1 : i;
                if (from != 0) s.Locations = locs.AsSpan(from).ToArray();
                break;
            }
        }
    }

    /// <summary>pprof's <c>-prune_from</c>: in every stack, removes the frames beneath (callees of) the leaf-most frame
    /// whose simplified function name matches <paramref name="dropRx"/>, keeping that frame.</summary>
    public void PruneFrom(Regex dropRx)
    {
        ArgumentNullException.ThrowIfNull(dropRx);
        var beneath = IdMap<bool>.ForLocations(Locations);
        foreach (var loc in Locations)
        {
            var lines = loc.Lines;
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].Function is { Name.Length: > 0 } fn && dropRx.IsMatch(SimplifyFunctionName(fn.Name)))
                {
                    beneath.Set(loc.Id, true);
                    if (i != 0) loc.Lines = lines.AsSpan(i).ToArray();
                    break;
                }
            }
        }

        foreach (var s in Samples)
        {
            var locs = s.Locations;
            for (int i = 0; i < locs.Length; i++)
            {
                if (beneath.GetOrDefault(locs[i].Id))
                {
                    if (i != 0) s.Locations = locs.AsSpan(i).ToArray();
                    break;
                }
            }
        }
    }

    /// <summary>Prunes the frames the profile itself declares uninteresting: <see cref="Prune"/> with
    /// <see cref="DropFrames"/> and <see cref="KeepFrames"/>, each matched against whole simplified function names.
    /// Does nothing when <see cref="DropFrames"/> is empty or either expression does not compile (pprof ignores that
    /// error too; <see cref="TryRemoveUninteresting"/> reports it).</summary>
    public void RemoveUninteresting() => TryRemoveUninteresting(out _);

    /// <summary><see cref="RemoveUninteresting"/>, returning false with pprof's message when an expression does not compile.</summary>
    internal bool TryRemoveUninteresting(out string? error)
    {
        error = null;
        if (DropFrames.Length == 0) return true;
        Regex? keep = null;
        if (!TryCompileWhole(DropFrames, out var drop, out error)) return false;
        if (KeepFrames.Length != 0 && !TryCompileWhole(KeepFrames, out keep, out error)) return false;
        Prune(drop!, keep);
        return true;
    }

    private static bool TryCompileWhole(string pattern, out Regex? re, out string? error)
    {
        try
        {
            re = GoRegex.Compile("^(" + pattern + ")$");
            error = null;
            return true;
        }
        catch (GoRegexException e)
        {
            re = null;
            error = $"failed to compile regexp {pattern}: {e.Message}";
            return false;
        }
    }

    /// <summary>pprof's primitive simplification of a function name for pruning: drops a leading '.' (PPC64 ELF v1)
    /// and cuts the name at the first '(' that does not begin "(anonymous namespace)" or end "operator()".</summary>
    internal static string SimplifyFunctionName(string name)
    {
        const string anonymous = "(anonymous namespace)", call = "operator()";
        if (name.StartsWith('.')) name = name.Substring(1);
        int paren = name.IndexOf('(');
        if (paren < 0) return name;
        // Scan left to right for the leftmost of the three alternatives, skipping over reserved names whole.
        int i = 0;
        while (i < name.Length)
        {
            var rest = name.AsSpan(i);
            if (rest.StartsWith(anonymous, StringComparison.Ordinal))
            {
                i += anonymous.Length;
            }
            else if (rest.StartsWith(call, StringComparison.Ordinal))
            {
                i += call.Length;
            }
            else if (name[i] == '(')
            {
                return name.Substring(0, i);
            }
            else
            {
                i++;
            }
        }
        return name;
    }
}
