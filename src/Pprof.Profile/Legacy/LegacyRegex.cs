using Pprof.Profiles.Go;
using System.Text.RegularExpressions;

namespace Pprof.Profiles.Legacy;

/// <summary>The regular expressions of pprof's legacy parsers, spelled with explicit ASCII classes (Go's <c>\d</c>,
/// <c>\s</c> and <c>\w</c> are ASCII-only) and run with the non-backtracking engine, which, like Go's RE2, takes time
/// linear in the input.</summary>
internal static class LegacyRegex
{
    private const string S = @"[\t\n\f\r ]";
    private const string NS = @"[^\t\n\f\r ]";
    private const string Hex = "[0-9A-Fa-f]";

    private static Regex Make(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    private static Regex? s_countStart, s_count, s_heapHeader, s_heapSample, s_contentionSample, s_hexNumber, s_growthHeader,
        s_fragmentationHeader, s_threadzStart, s_threadStart, s_procMaps, s_briefMaps, s_logInfo, s_lib, s_attribute, s_javaSample,
        s_javaLocation, s_javaLocationFileLine, s_javaLocationPath;

    public static Regex CountStart => s_countStart ??= Make($@"\A({NS}+) profile: total [0-9]+\z");
    public static Regex Count => s_count ??= Make(@"\A([0-9]+) @(( 0x[0-9a-f]+)+)\z");
    public static Regex HeapHeader => s_heapHeader ??= Make(@"heap profile: *([0-9]+): *([0-9]+) *\[ *([0-9]+): *([0-9]+) *\] *@ *(heap[_a-z0-9]*)/?([0-9]*)");
    public static Regex HeapSample => s_heapSample ??= Make(@"(-?[0-9]+): *(-?[0-9]+) *\[ *([0-9]+): *([0-9]+) *] @([ x0-9a-f]*)");
    public static Regex ContentionSample => s_contentionSample ??= Make(@"([0-9]+) *([0-9]+) @([ x0-9a-f]*)");
    public static Regex HexNumber => s_hexNumber ??= Make("0x[0-9a-f]+");
    public static Regex GrowthHeader => s_growthHeader ??= Make(@"heap profile: *([0-9]+): *([0-9]+) *\[ *([0-9]+): *([0-9]+) *\] @ growthz?");
    public static Regex FragmentationHeader => s_fragmentationHeader ??= Make(@"heap profile: *([0-9]+): *([0-9]+) *\[ *([0-9]+): *([0-9]+) *\] @ fragmentationz?");
    public static Regex ThreadzStart => s_threadzStart ??= Make("--- threadz [0-9]+ ---");
    public static Regex ThreadStart => s_threadStart ??= Make($@"--- Thread ({Hex}+) \(name: (.*)/([0-9]+)\) stack: ---");

    private const string SpaceDigits = S + "+[0-9]+";
    private const string HexPair = S + "+" + Hex + "+:" + Hex + "+";
    private const string OSpace = S + "*";
    private const string CHex = "(?:0x)?(" + Hex + "+)";
    private const string CHexRange = S + "*" + CHex + @"(?:[\t\n\f\r -])?" + OSpace + CHex + ":?";
    private const string CSpaceString = "(?:" + S + "+(" + NS + "+))?";
    private const string CSpaceHex = "(?:" + S + "+(" + Hex + "+))?";
    private const string CSpaceAtOffset = "(?:" + S + @"+\(@(" + Hex + @"+)\))?";
    private const string CPerm = "(?:" + S + "+([-rwxp]+))?";

    public static Regex ProcMaps => s_procMaps ??= Make(@"\A" + CHexRange + CPerm + CSpaceHex + HexPair + SpaceDigits + CSpaceString);
    public static Regex BriefMaps => s_briefMaps ??= Make(@"\A" + CHexRange + CPerm + CSpaceString + CSpaceAtOffset + CSpaceHex);
    public static Regex LogInfo => s_logInfo ??= Make($@"\A[^\[\]]+:[0-9]+]{S}");
    public static Regex Lib => s_lib ??= Make(@"([.]so\z|[.]so[._][0-9]+)");

    public static Regex Attribute => s_attribute ??= Make("([0-9A-Za-z_ ]+)=([0-9A-Za-z_ ]+)");
    public static Regex JavaSample => s_javaSample ??= Make(" *([0-9]+) +([0-9]+) +@ +([ x0-9a-f]*)");
    public static Regex JavaLocation => s_javaLocation ??= Make($@"\A{S}*0x({Hex}+){S}+(.*){S}*\z");
    public static Regex JavaLocationFileLine => s_javaLocationFileLine ??= Make($@"\A(.*){S}+\((.+):(-?[0-9]+)\)\z");
    public static Regex JavaLocationPath => s_javaLocationPath ??= Make($@"\A(.*){S}+\((.*)\)\z");

    /// <summary>Go's <c>FindStringSubmatch</c>: the groups of the first match (unmatched groups empty), or null.</summary>
    public static string[]? Submatch(Regex re, string s)
    {
        var m = re.Match(s);
        if (!m.Success) return null;
        var g = new string[m.Groups.Count];
        for (int i = 0; i < g.Length; i++) g[i] = m.Groups[i].Success ? m.Groups[i].Value : "";
        return g;
    }

    /// <summary>Extracts <c>0x…</c> numbers from <paramref name="s"/> as pprof's parseHexAddresses does;
    /// throws for numbers too large for 64 bits.</summary>
    public static List<ulong> HexAddresses(string s, string line)
    {
        var addrs = new List<ulong>();
        foreach (Match m in HexNumber.Matches(s))
        {
            if (!GoStrconv.TryParseUint(m.Value, 0, out ulong a, out _))
                throw new ProfileFormatException($"malformed sample: {line}: failed to parse as hex 64-bit number: {m.Value}");
            addrs.Add(a);
        }
        return addrs;
    }
}
