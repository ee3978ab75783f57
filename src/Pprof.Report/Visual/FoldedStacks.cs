using Pprof.Profiles;
using System.Text;

namespace Pprof.Report.Visual;

/// <summary>Writes a profile as collapsed ("folded") stacks, Brendan Gregg's format read by flamegraph.pl and
/// speedscope: one line per distinct stack, frames root first separated by <c>;</c>, a space, and the summed value.</summary>
public static class FoldedStacks
{
    /// <summary>Writes the folded stacks of <paramref name="profile"/>, one line per distinct stack in name order.
    /// Values are those <paramref name="value"/> extracts; in a comparison (base samples present) a line carries the
    /// difference, current minus base. Stacks whose value sums to zero are left out.</summary>
    public static void Write(TextWriter output, Profile profile, Func<long[], long> value)
    {
        var table = StackTable.Build(profile, value);
        var frames = table.Frames;
        var order = new int[table.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            var x = frames.AsSpan(table.Start[a], table.Length[a]);
            var y = frames.AsSpan(table.Start[b], table.Length[b]);
            int c = x.SequenceCompareTo(y);
            return c != 0 ? c : a.CompareTo(b);
        });

        var names = new string[table.Names.Length];
        for (int i = 0; i < names.Length; i++) names[i] = Escape(table.Names[i]);
        var line = new StringBuilder();
        for (int i = 0; i < order.Length;)
        {
            int first = order[i];
            var stack = frames.AsSpan(table.Start[first], table.Length[first]);
            long sum = 0;
            int j = i;
            for (; j < order.Length; j++)
            {
                int s = order[j];
                if (!frames.AsSpan(table.Start[s], table.Length[s]).SequenceEqual(stack)) break;
                sum += table.IsBase[s] ? -table.Value[s] : table.Value[s];
            }
            i = j;
            if (sum == 0 || stack.Length == 0) continue;
            line.Clear();
            for (int f = 0; f < stack.Length; f++)
            {
                if (f > 0) line.Append(';');
                line.Append(names[stack[f]]);
            }
            line.Append(' ').Append(sum).Append('\n');
            output.Write(line);
        }
    }

    /// <summary>Makes a frame name safe for the format: no separators or line breaks inside a frame.</summary>
    internal static string Escape(string name)
    {
        if (name.AsSpan().IndexOfAny(";\r\n") < 0) return name;
        return name.Replace(';', ':').Replace('\r', ' ').Replace('\n', ' ');
    }
}
