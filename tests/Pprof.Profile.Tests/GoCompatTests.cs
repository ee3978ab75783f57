using Pprof.Profiles.Go;

namespace Pprof.Profiles.Tests;

/// <summary>The Go-compatibility routines against values printed by Go 1.19.8 (<c>strconv</c>, <c>path/filepath</c>,
/// <c>regexp</c>) for the same inputs.</summary>
public class GoCompatTests
{
    // strconv.ParseInt(s, 0, 64): value and error.
    [Theory]
    [InlineData("1_000", 1000, "<nil>")]
    [InlineData("0x__1", 0, "strconv.ParseInt: parsing \"0x__1\": invalid syntax")]
    [InlineData("0x_1", 1, "<nil>")]
    [InlineData("0_7", 7, "<nil>")]
    [InlineData("1__0", 0, "strconv.ParseInt: parsing \"1__0\": invalid syntax")]
    [InlineData("_1", 0, "strconv.ParseInt: parsing \"_1\": invalid syntax")]
    [InlineData("1_", 0, "strconv.ParseInt: parsing \"1_\": invalid syntax")]
    [InlineData("0x1_f", 31, "<nil>")]
    [InlineData("-0b1_0", -2, "<nil>")]
    [InlineData("+0o17", 15, "<nil>")]
    [InlineData("017", 15, "<nil>")]
    [InlineData("08", 0, "strconv.ParseInt: parsing \"08\": invalid syntax")]
    [InlineData("0x", 0, "strconv.ParseInt: parsing \"0x\": invalid syntax")]
    [InlineData("9223372036854775807", 9223372036854775807, "<nil>")]
    [InlineData("9223372036854775808", 9223372036854775807, "strconv.ParseInt: parsing \"9223372036854775808\": value out of range")]
    [InlineData("-9223372036854775808", -9223372036854775808, "<nil>")]
    [InlineData("-9223372036854775809", -9223372036854775808, "strconv.ParseInt: parsing \"-9223372036854775809\": value out of range")]
    [InlineData("0X1F", 31, "<nil>")]
    [InlineData("-", 0, "strconv.ParseInt: parsing \"-\": invalid syntax")]
    [InlineData("", 0, "strconv.ParseInt: parsing \"\": invalid syntax")]
    public void ParseIntBaseZeroLikeGo(string s, long value, string error)
    {
        bool ok = GoStrconv.TryParseInt(s, 0, out long v, out string? e);
        Assert.Equal(error == "<nil>", ok);
        if (ok) Assert.Equal(value, v);
        else Assert.Equal(error, e);
    }

    // strconv.Atoi(s): value and whether it succeeded.
    [Theory]
    [InlineData("017", 17, true)]
    [InlineData("08", 8, true)]
    [InlineData("+5", 5, true)]
    [InlineData("-0", 0, true)]
    [InlineData("1_000", 0, false)]
    [InlineData("0x1", 0, false)]
    [InlineData("9223372036854775808", 9223372036854775807, false)]
    public void AtoiLikeGo(string s, long value, bool ok)
    {
        Assert.Equal(ok, GoStrconv.TryAtoi(s, out long v));
        if (ok) Assert.Equal(value, v);
    }

    // filepath.Base and filepath.Clean.
    [Theory]
    [InlineData("", ".", ".")]
    [InlineData("/", "/", "/")]
    [InlineData("//", "/", "/")]
    [InlineData("a/b/", "b", "a/b")]
    [InlineData("/a", "a", "/a")]
    [InlineData("a", "a", "a")]
    [InlineData("a//b//", "b", "a/b")]
    [InlineData("./x", "x", "x")]
    public void PathLikeGo(string path, string @base, string clean)
    {
        Assert.Equal(@base, GoPath.Base(path));
        Assert.Equal(clean, GoPath.Clean(path));
    }

    // strconv.Quote.
    [Theory]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("tab\there", "\"tab\\there\"")]
    [InlineData("nl\n", "\"nl\\n\"")]
    [InlineData("\x01\x7f", "\"\\x01\\x7f\"")]
    [InlineData("ok", "\"ok\"")]
    public void QuoteLikeGo(string s, string quoted) => Assert.Equal(quoted, GoStrconv.Quote(s));

    // regexp.MustCompile(pattern).FindStringIndex(input).
    [Theory]
    [InlineData("^main\\.", "main.main", "[0 5]")]
    [InlineData("^main\\.", "MAIN", "[]")]
    [InlineData("^main\\.", "abc", "[]")]
    [InlineData("^main\\.", "", "[]")]
    [InlineData("^main\\.", "a foo b", "[]")]
    [InlineData("^main\\.", "xyz", "[]")]
    [InlineData("^main\\.", "aaa", "[]")]
    [InlineData("^main\\.", "a\nb", "[]")]
    [InlineData("^main\\.", "a.b", "[]")]
    [InlineData("(?i)MAIN", "main.main", "[0 4]")]
    [InlineData("(?i)MAIN", "MAIN", "[0 4]")]
    [InlineData("(?i)MAIN", "abc", "[]")]
    [InlineData("(?i)MAIN", "", "[]")]
    [InlineData("(?i)MAIN", "a foo b", "[]")]
    [InlineData("(?i)MAIN", "xyz", "[]")]
    [InlineData("(?i)MAIN", "aaa", "[]")]
    [InlineData("(?i)MAIN", "a\nb", "[]")]
    [InlineData("(?i)MAIN", "a.b", "[]")]
    [InlineData("a.c", "main.main", "[]")]
    [InlineData("a.c", "MAIN", "[]")]
    [InlineData("a.c", "abc", "[0 3]")]
    [InlineData("a.c", "", "[]")]
    [InlineData("a.c", "a foo b", "[]")]
    [InlineData("a.c", "xyz", "[]")]
    [InlineData("a.c", "aaa", "[]")]
    [InlineData("a.c", "a\nb", "[]")]
    [InlineData("a.c", "a.b", "[]")]
    [InlineData("^$", "main.main", "[]")]
    [InlineData("^$", "MAIN", "[]")]
    [InlineData("^$", "abc", "[]")]
    [InlineData("^$", "", "[0 0]")]
    [InlineData("^$", "a foo b", "[]")]
    [InlineData("^$", "xyz", "[]")]
    [InlineData("^$", "aaa", "[]")]
    [InlineData("^$", "a\nb", "[]")]
    [InlineData("^$", "a.b", "[]")]
    [InlineData("\\bfoo\\b", "main.main", "[]")]
    [InlineData("\\bfoo\\b", "MAIN", "[]")]
    [InlineData("\\bfoo\\b", "abc", "[]")]
    [InlineData("\\bfoo\\b", "", "[]")]
    [InlineData("\\bfoo\\b", "a foo b", "[2 5]")]
    [InlineData("\\bfoo\\b", "xyz", "[]")]
    [InlineData("\\bfoo\\b", "aaa", "[]")]
    [InlineData("\\bfoo\\b", "a\nb", "[]")]
    [InlineData("\\bfoo\\b", "a.b", "[]")]
    [InlineData("[[:alpha:]]+", "main.main", "[0 4]")]
    [InlineData("[[:alpha:]]+", "MAIN", "[0 4]")]
    [InlineData("[[:alpha:]]+", "abc", "[0 3]")]
    [InlineData("[[:alpha:]]+", "", "[]")]
    [InlineData("[[:alpha:]]+", "a foo b", "[0 1]")]
    [InlineData("[[:alpha:]]+", "xyz", "[0 3]")]
    [InlineData("[[:alpha:]]+", "aaa", "[0 3]")]
    [InlineData("[[:alpha:]]+", "a\nb", "[0 1]")]
    [InlineData("[[:alpha:]]+", "a.b", "[0 1]")]
    [InlineData("\\pL+", "main.main", "[0 4]")]
    [InlineData("\\pL+", "MAIN", "[0 4]")]
    [InlineData("\\pL+", "abc", "[0 3]")]
    [InlineData("\\pL+", "", "[]")]
    [InlineData("\\pL+", "a foo b", "[0 1]")]
    [InlineData("\\pL+", "xyz", "[0 3]")]
    [InlineData("\\pL+", "aaa", "[0 3]")]
    [InlineData("\\pL+", "a\nb", "[0 1]")]
    [InlineData("\\pL+", "a.b", "[0 1]")]
    [InlineData("(?U)a+", "main.main", "[1 2]")]
    [InlineData("(?U)a+", "MAIN", "[]")]
    [InlineData("(?U)a+", "abc", "[0 1]")]
    [InlineData("(?U)a+", "", "[]")]
    [InlineData("(?U)a+", "a foo b", "[0 1]")]
    [InlineData("(?U)a+", "xyz", "[]")]
    [InlineData("(?U)a+", "aaa", "[0 1]")]
    [InlineData("(?U)a+", "a\nb", "[0 1]")]
    [InlineData("(?U)a+", "a.b", "[0 1]")]
    [InlineData("x*", "main.main", "[0 0]")]
    [InlineData("x*", "MAIN", "[0 0]")]
    [InlineData("x*", "abc", "[0 0]")]
    [InlineData("x*", "", "[0 0]")]
    [InlineData("x*", "a foo b", "[0 0]")]
    [InlineData("x*", "xyz", "[0 1]")]
    [InlineData("x*", "aaa", "[0 0]")]
    [InlineData("x*", "a\nb", "[0 0]")]
    [InlineData("x*", "a.b", "[0 0]")]
    [InlineData("(?s)a.b", "main.main", "[]")]
    [InlineData("(?s)a.b", "MAIN", "[]")]
    [InlineData("(?s)a.b", "abc", "[]")]
    [InlineData("(?s)a.b", "", "[]")]
    [InlineData("(?s)a.b", "a foo b", "[]")]
    [InlineData("(?s)a.b", "xyz", "[]")]
    [InlineData("(?s)a.b", "aaa", "[]")]
    [InlineData("(?s)a.b", "a\nb", "[0 3]")]
    [InlineData("(?s)a.b", "a.b", "[0 3]")]
    [InlineData("(?m)^b$", "main.main", "[]")]
    [InlineData("(?m)^b$", "MAIN", "[]")]
    [InlineData("(?m)^b$", "abc", "[]")]
    [InlineData("(?m)^b$", "", "[]")]
    [InlineData("(?m)^b$", "a foo b", "[]")]
    [InlineData("(?m)^b$", "xyz", "[]")]
    [InlineData("(?m)^b$", "aaa", "[]")]
    [InlineData("(?m)^b$", "a\nb", "[2 3]")]
    [InlineData("(?m)^b$", "a.b", "[]")]
    [InlineData("\\Qa.b\\E", "main.main", "[]")]
    [InlineData("\\Qa.b\\E", "MAIN", "[]")]
    [InlineData("\\Qa.b\\E", "abc", "[]")]
    [InlineData("\\Qa.b\\E", "", "[]")]
    [InlineData("\\Qa.b\\E", "a foo b", "[]")]
    [InlineData("\\Qa.b\\E", "xyz", "[]")]
    [InlineData("\\Qa.b\\E", "aaa", "[]")]
    [InlineData("\\Qa.b\\E", "a\nb", "[]")]
    [InlineData("\\Qa.b\\E", "a.b", "[0 3]")]
    [InlineData("[^a]", "main.main", "[0 1]")]
    [InlineData("[^a]", "MAIN", "[0 1]")]
    [InlineData("[^a]", "abc", "[1 2]")]
    [InlineData("[^a]", "", "[]")]
    [InlineData("[^a]", "a foo b", "[1 2]")]
    [InlineData("[^a]", "xyz", "[0 1]")]
    [InlineData("[^a]", "aaa", "[]")]
    [InlineData("[^a]", "a\nb", "[1 2]")]
    [InlineData("[^a]", "a.b", "[1 2]")]
    public void RegexMatchesLikeGo(string pattern, string input, string index)
    {
        var m = GoRegex.Compile(pattern).Match(input);
        Assert.Equal(index, m.Success ? $"[{m.Index} {m.Index + m.Length}]" : "[]");
    }

    [Fact]
    public void RegexRunsInLinearTime()
    {
        var re = GoRegex.Compile("(a+)+$");
        Assert.Equal(System.Text.RegularExpressions.RegexOptions.NonBacktracking, re.Options & System.Text.RegularExpressions.RegexOptions.NonBacktracking);
        Assert.DoesNotMatch(re, new string('a', 100_000) + "!");
        Assert.Equal("(a+)+$", re.ToString());
    }

    /// <summary>Go's documented example: <c>regexp.QuoteMeta(`Escaping symbols like: .+*?()|[]{}^$`)</c>.</summary>
    [Fact]
    public void QuoteMetaEscapesAsGo()
    {
        Assert.Equal(@"Escaping symbols like: \.\+\*\?\(\)\|\[\]\{\}\^\$", GoRegex.QuoteMeta("Escaping symbols like: .+*?()|[]{}^$"));
        Assert.Matches(GoRegex.Compile("^" + GoRegex.QuoteMeta("Cart.Add(int)[]") + "$"), "Cart.Add(int)[]");
    }
}
