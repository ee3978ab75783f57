using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Pprof.Profiles;

namespace Pprof.Profiles.Tests;

/// <summary>Runs a small script of profile operations and records what they print, in the same language and output
/// format as the Go program that produced the golden files in <c>OpsGolden/</c> (it calls Go pprof's profile package).</summary>
internal static class OpsScript
{
    public static string GoldenDir([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "OpsGolden");

    private static Regex? Rx(string s) => s == "-" ? null : new Regex(s, RegexOptions.CultureInvariant);

    private static string B(bool b) => b ? "true" : "false";

    public static string Run(string script, string dir)
    {
        var args = script.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var stack = new List<Profile>();
        var o = new StringBuilder();
        Profile Top() => stack[^1];
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => args[++i];
            switch (args[i])
            {
                case "load":
                    stack.Add(Profile.Parse(File.ReadAllBytes(Path.Combine(dir, Next()))));
                    break;
                case "merge":
                {
                    int n = int.Parse(Next(), CultureInfo.InvariantCulture);
                    var srcs = stack.GetRange(stack.Count - n, n);
                    Profile merged;
                    try
                    {
                        merged = Profile.Merge(srcs);
                    }
                    catch (ProfileFormatException e)
                    {
                        o.Append("error: ").Append(e.Message).Append('\n');
                        return o.ToString();
                    }
                    stack.RemoveRange(stack.Count - n, n);
                    stack.Add(merged);
                    break;
                }
                case "compact":
                    stack[^1] = Top().Compact();
                    break;
                case "filter":
                {
                    var (fm, im, hm, sm) = Top().FilterSamplesByName(Rx(Next()), Rx(Next()), Rx(Next()), Rx(Next()));
                    o.Append($"filter: {B(fm)} {B(im)} {B(hm)} {B(sm)}\n");
                    break;
                }
                case "showfrom":
                    o.Append($"showfrom: {B(Top().ShowFrom(Rx(Next())))}\n");
                    break;
                case "prunefrom":
                    Top().PruneFrom(Rx(Next())!);
                    break;
                case "prune":
                {
                    var drop = Rx(Next())!;
                    Top().Prune(drop, Rx(Next()));
                    break;
                }
                case "ru":
                    Top().RemoveUninteresting();
                    o.Append("ru: <nil>\n");
                    break;
                case "agg":
                {
                    string b = Next();
                    Top().Aggregate(b[0] == '1', b[1] == '1', b[2] == '1', b[3] == '1', false, b[4] == '1');
                    o.Append("agg: <nil>\n");
                    break;
                }
                case "scale":
                    Top().Scale(double.Parse(Next(), CultureInfo.InvariantCulture));
                    break;
                case "normalize":
                {
                    var baseProfile = Top();
                    stack.RemoveAt(stack.Count - 1);
                    try
                    {
                        Top().Normalize(baseProfile);
                        o.Append("normalize: <nil>\n");
                    }
                    catch (ProfileFormatException e)
                    {
                        o.Append("normalize: ").Append(e.Message).Append('\n');
                    }
                    break;
                }
                case "tags":
                {
                    var (sm, hm) = Top().FilterTagsByName(Rx(Next()), Rx(Next()));
                    o.Append($"tags: {B(sm)} {B(hm)}\n");
                    break;
                }
                case "setlabel":
                {
                    string k = Next();
                    Top().SetLabel(k, new[] { Next() });
                    break;
                }
                case "removelabel":
                    Top().RemoveLabel(Next());
                    break;
                case "units":
                {
                    var (units, ignored) = Top().NumLabelUnits();
                    foreach (var k in units.Keys.OrderBy(k => k, StringComparer.Ordinal))
                    {
                        string ig = ignored.TryGetValue(k, out var l) ? string.Join(" ", l) : "";
                        o.Append($"unit {k}={units[k]} ignored=[{ig}]\n");
                    }
                    break;
                }
                case "index":
                {
                    string name = Next();
                    if (name == "''") name = "";
                    try
                    {
                        int index = Top().SampleIndexByName(name);
                        o.Append($"index: {index} <nil>\n");
                    }
                    catch (ProfileFormatException e)
                    {
                        o.Append($"index: 0 {e.Message}\n");
                    }
                    break;
                }
                case "print":
                    o.Append(GoDump.Dump(Top()));
                    break;
                default:
                    throw new ArgumentException("bad op " + args[i]);
            }
        }
        return o.ToString();
    }
}
