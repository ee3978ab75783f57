using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pprof.Profiles.Go;

/// <summary>Go's <c>regexp.Compile</c>: compiles a regular expression written in Go's RE2 syntax (the syntax pprof
/// accepts) into a .NET <see cref="Regex"/> with the same matching behaviour, run by .NET's non-backtracking engine so
/// that matching takes time linear in the input whatever the pattern. Syntax RE2 rejects (backreferences, lookaround,
/// possessive quantifiers, ...) is rejected with Go's error text; nothing falls back to a backtracking engine.</summary>
public static class GoRegex
{
    private const RegexOptions EngineOptions = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    /// <summary>Go's <c>regexp.QuoteMeta</c>: <paramref name="s"/> with every RE2 metacharacter (<c>\.+*?()|[]{}^$</c>)
    /// escaped, so that the result matches the literal text.</summary>
    public static string QuoteMeta(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new System.Text.StringBuilder(s.Length + 8);
        foreach (char ch in s)
        {
            if (@"\.+*?()|[]{}^$".Contains(ch, StringComparison.Ordinal)) sb.Append('\\');
            sb.Append(ch);
        }
        return sb.ToString();
    }

    /// <summary>Translates and compiles <paramref name="pattern"/>. The result's <see cref="Regex.ToString"/> is
    /// <paramref name="pattern"/>, as Go's <c>Regexp.String</c> is its source text.</summary>
    /// <exception cref="GoRegexException">The pattern is not valid RE2 syntax or is too large to run; the message is
    /// Go's (<c>error parsing regexp: ...</c>).</exception>
    public static Regex Compile(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        string translated = Translate(pattern);
        try
        {
            return new Compiled(pattern, translated);
        }
        catch (NotSupportedException)
        {
            // The non-backtracking engine refuses patterns whose automaton would be too large.
            throw new GoRegexException($"error parsing regexp: expression too large: `{pattern}`");
        }
        catch (ArgumentException e)
        {
            throw new GoRegexException("error parsing regexp: " + e.Message);
        }
    }

    /// <summary>A compiled RE2 pattern that prints as its source text.</summary>
    private sealed class Compiled : Regex
    {
        private readonly string _source;

        public Compiled(string source, string translated) : base(translated, EngineOptions) => _source = source;

        public override string ToString() => _source;
    }

    /// <summary>Returns the .NET pattern equivalent to the RE2 <paramref name="pattern"/>.</summary>
    internal static string Translate(string pattern) => new Translator(pattern).Run();

    private sealed class Translator
    {
        private readonly string _s;
        private int _pos;
        private readonly StringBuilder _out = new();
        private bool _multiLine;
        private bool _ungreedy;
        private int _depth;

        /// <summary>The repeat weight of the atom just parsed: the largest product of explicit repeat counts on any path
        /// into it (Go allows at most 1000 copies of the innermost thing).</summary>
        private int _atomWeight;

        public Translator(string s) => _s = s;

        public string Run()
        {
            if (_s.Contains('\uFFFD')) throw Fail("invalid UTF-8", _s);
            ParseAlternation();
            if (_pos < _s.Length)
            {
                // Only an unbalanced ')' stops the top-level parse.
                throw Fail("unexpected )", _s);
            }
            return _out.ToString();
        }

        private static GoRegexException Fail(string code, string expr) =>
            new($"error parsing regexp: {code}: `{expr}`");

        /// <summary>Parses alternatives; returns their repeat weight.</summary>
        private int ParseAlternation()
        {
            int weight = ParseConcat();
            while (_pos < _s.Length && _s[_pos] == '|')
            {
                _out.Append('|');
                _pos++;
                weight = Math.Max(weight, ParseConcat());
            }
            return weight;
        }

        /// <summary>Parses a sequence of atoms; returns its repeat weight.</summary>
        private int ParseConcat()
        {
            int weight = 1;
            // Each iteration emits one atom, then any repetition operators after it.
            while (_pos < _s.Length)
            {
                char c = _s[_pos];
                if (c == '|' || c == ')') return weight;
                if (c is '*' or '+' or '?')
                    throw Fail("missing argument to repetition operator", c.ToString());
                if (c == '{' && TryRepeat(_pos, out int rEnd, out _, out _))
                    throw Fail("missing argument to repetition operator", _s[_pos..rEnd]);
                _atomWeight = 1;
                ParseAtom();
                weight = Math.Max(weight, ParseRepetitions(_atomWeight));
            }
            return weight;
        }

        /// <summary>Parses the repetition operators after an atom of repeat weight <paramref name="weight"/>; returns
        /// the weight with them. Like Go, rejects explicit repeats that nest to more than 1000 copies.</summary>
        private int ParseRepetitions(int weight)
        {
            string? lastOp = null;
            int opStart = -1;
            while (_pos < _s.Length)
            {
                char c = _s[_pos];
                int start = _pos;
                string op;
                if (c is '*' or '+' or '?')
                {
                    _pos++;
                    op = c.ToString();
                }
                else if (c == '{' && TryRepeat(_pos, out int end, out int min, out int max))
                {
                    if (min > 1000 || max > 1000 || (max >= 0 && min > max))
                        throw Fail("invalid repeat count", _s[start..end]);
                    _pos = end;
                    op = _s[start..end];
                    // Go's repeatIsValid: a {0} stops the count, {n,} counts n (at least 1).
                    int copies = max == 0 ? 0 : max < 0 ? Math.Max(min, 1) : max;
                    weight = (int)Math.Min((long)copies * weight, int.MaxValue);
                    if ((min >= 2 || max >= 2) && weight > 1000)
                        throw Fail("invalid repeat count", op);
                }
                else
                {
                    return weight;
                }
                bool lazy = false;
                if (_pos < _s.Length && _s[_pos] == '?')
                {
                    lazy = true;
                    _pos++;
                }
                if (lastOp != null)
                    throw Fail("invalid nested repetition operator", _s[opStart.._pos]);
                if (_ungreedy) lazy = !lazy;
                _out.Append(op);
                if (lazy) _out.Append('?');
                lastOp = op;
                opStart = start;
            }
            return weight;
        }

        /// <summary>Recognises <c>{n}</c>, <c>{n,}</c>, <c>{n,m}</c> at <paramref name="at"/>.</summary>
        private bool TryRepeat(int at, out int end, out int min, out int max)
        {
            end = at; min = max = -1;
            int i = at + 1;
            int d0 = i;
            while (i < _s.Length && char.IsAsciiDigit(_s[i])) i++;
            if (i == d0 || i >= _s.Length) return false;
            min = ParseCount(_s[d0..i]);
            if (_s[i] == '}')
            {
                max = min;
                end = i + 1;
                return true;
            }
            if (_s[i] != ',') return false;
            i++;
            int d1 = i;
            while (i < _s.Length && char.IsAsciiDigit(_s[i])) i++;
            if (i >= _s.Length || _s[i] != '}') return false;
            max = i == d1 ? -1 : ParseCount(_s[d1..i]);
            end = i + 1;
            return true;
        }

        private static int ParseCount(string digits) =>
            digits.Length > 7 ? int.MaxValue : int.Parse(digits, CultureInfo.InvariantCulture);

        /// <summary>Emits one atom; returns true when it matches no text (an anchor).</summary>
        private bool ParseAtom()
        {
            char c = _s[_pos];
            switch (c)
            {
                case '(':
                    ParseGroup();
                    return false;
                case '[':
                    ParseClass();
                    return false;
                case '\\':
                    return ParseEscape();
                case '.':
                    _pos++;
                    _out.Append('.');
                    return false;
                case '^':
                    _pos++;
                    _out.Append(_multiLine ? "(?m:^)" : @"(?:\A)");
                    return true;
                case '$':
                    _pos++;
                    _out.Append(_multiLine ? "(?m:$)" : @"(?:\z)");
                    return true;
                default:
                    AppendLiteral(ReadRune());
                    return false;
            }
        }

        private int ReadRune()
        {
            int r = char.ConvertToUtf32(_s, _pos);
            _pos += char.IsSurrogatePair(_s, _pos) ? 2 : 1;
            return r;
        }

        private void AppendLiteral(int rune)
        {
            string s = char.ConvertFromUtf32(rune);
            if (s.Length == 1 && "\\*+?|{}[]()^$.# \t\n\r\f\v".Contains(s[0]))
            {
                _out.Append(s[0] switch
                {
                    '\t' => @"\t", '\n' => @"\n", '\r' => @"\r", '\f' => @"\f", '\v' => @"\v", ' ' => " ",
                    _ => "\\" + s,
                });
            }
            else if (s.Length == 1 && s[0] < 0x20)
            {
                _out.Append(@"\x").Append(((int)s[0]).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                _out.Append(s);
            }
        }

        private void ParseGroup()
        {
            int start = _pos;
            _pos++; // '('
            bool savedM = _multiLine, savedU = _ungreedy;
            if (_pos < _s.Length && _s[_pos] == '?')
            {
                // Named capture (?P<name>...) or flags (?flags) / (?flags:...).
                if (_pos + 1 < _s.Length && _s[_pos + 1] == 'P')
                {
                    if (_pos + 2 >= _s.Length || _s[_pos + 2] != '<')
                        throw Fail("invalid or unsupported Perl syntax", _s[start..Math.Min(_s.Length, _pos + 3)]);
                    int close = _s.IndexOf('>', _pos + 3);
                    if (close < 0) throw Fail("invalid named capture", _s[start..]);
                    string name = _s[(_pos + 3)..close];
                    if (name.Length == 0 || !IsWordName(name)) throw Fail("invalid named capture", _s[start..(close + 1)]);
                    _pos = close + 1;
                    _out.Append("(?<").Append(name).Append('>');
                    ParseGroupBody();
                    _multiLine = savedM; _ungreedy = savedU;
                    return;
                }
                int i = _pos + 1;
                bool negate = false, sawFlag = false;
                bool m = _multiLine, u = _ungreedy;
                var flags = new StringBuilder();
                while (true)
                {
                    if (i >= _s.Length) throw Fail("missing closing )", _s);
                    char f = _s[i];
                    if (f is 'i' or 'm' or 's' or 'U')
                    {
                        sawFlag = true;
                        if (f == 'm') m = !negate;
                        else if (f == 'U') u = !negate;
                        else flags.Append(f);
                        i++;
                        continue;
                    }
                    if (f == '-')
                    {
                        if (negate) throw Fail("invalid or unsupported Perl syntax", _s[start..(i + 1)]);
                        negate = true;
                        sawFlag = false;
                        flags.Append('-');
                        i++;
                        continue;
                    }
                    if (f is ':' or ')')
                    {
                        if (negate && !sawFlag) throw Fail("invalid or unsupported Perl syntax", _s[start..(i + 1)]);
                        break;
                    }
                    throw Fail("invalid or unsupported Perl syntax", _s[start..(i + 1)]);
                }
                string fl = flags.ToString().TrimEnd('-');
                if (_s[i] == ')')
                {
                    // Flags apply to the rest of the current group.
                    _pos = i + 1;
                    _multiLine = m; _ungreedy = u;
                    if (fl.Length > 0 && fl != "-") _out.Append("(?").Append(fl).Append(')');
                    return;
                }
                _pos = i + 1;
                _out.Append("(?").Append(fl).Append(':');
                _multiLine = m; _ungreedy = u;
                ParseGroupBody();
                _multiLine = savedM; _ungreedy = savedU;
                return;
            }
            _out.Append('(');
            ParseGroupBody();
            _multiLine = savedM; _ungreedy = savedU;
        }

        private void ParseGroupBody()
        {
            _depth++;
            if (_depth > 1000) throw Fail("expression nests too deeply", _s);
            int weight = ParseAlternation();
            if (_pos >= _s.Length) throw Fail("missing closing )", _s);
            _pos++; // ')'
            _out.Append(')');
            _depth--;
            _atomWeight = weight;
        }

        private static bool IsWordName(string name)
        {
            foreach (char ch in name)
                if (!(char.IsAsciiLetterOrDigit(ch) || ch == '_')) return false;
            return true;
        }

        /// <summary>Parses an escape outside a class. Returns true for zero-width assertions.</summary>
        private bool ParseEscape()
        {
            int start = _pos;
            _pos++;
            if (_pos >= _s.Length) throw Fail("trailing backslash at end of expression", "");
            char c = _s[_pos];
            switch (c)
            {
                case 'A': _pos++; _out.Append(@"(?:\A)"); return true;
                case 'z': _pos++; _out.Append(@"(?:\z)"); return true;
                case 'b': _pos++; _out.Append(@"(?:\b)"); return true;
                case 'B': _pos++; _out.Append(@"(?:\B)"); return true;
                case 'Q':
                {
                    int end = _s.IndexOf(@"\E", _pos + 1, StringComparison.Ordinal);
                    string lit = end < 0 ? _s[(_pos + 1)..] : _s[(_pos + 1)..end];
                    _pos = end < 0 ? _s.Length : end + 2;
                    _out.Append("(?:");
                    for (int i = 0; i < lit.Length;)
                    {
                        int r = char.ConvertToUtf32(lit, i);
                        i += char.IsSurrogatePair(lit, i) ? 2 : 1;
                        AppendLiteral(r);
                    }
                    _out.Append(')');
                    return false;
                }
            }
            var ranges = new List<(int Lo, int Hi)>();
            if (TryClassEscape(start, ranges, out string? unicode))
            {
                _out.Append('[');
                if (unicode != null) _out.Append(unicode);
                AppendRanges(ranges);
                _out.Append(']');
                return false;
            }
            _pos = start;
            AppendLiteral(ReadEscapedRune());
            return false;
        }

        /// <summary>Reads a single-character escape (after the backslash at <see cref="_pos"/>).</summary>
        private int ReadEscapedRune()
        {
            int start = _pos;
            _pos++; // '\'
            if (_pos >= _s.Length) throw Fail("trailing backslash at end of expression", "");
            char c = _s[_pos];
            switch (c)
            {
                case '1': case '2': case '3': case '4': case '5': case '6': case '7':
                    if (_pos + 1 >= _s.Length || _s[_pos + 1] < '0' || _s[_pos + 1] > '7')
                        throw Fail("invalid escape sequence", _s[start..(_pos + 1)]);
                    goto case '0';
                case '0':
                {
                    int v = 0, n = 0;
                    while (n < 3 && _pos < _s.Length && _s[_pos] >= '0' && _s[_pos] <= '7')
                    {
                        v = v * 8 + (_s[_pos] - '0');
                        _pos++;
                        n++;
                    }
                    return v;
                }
                case 'x':
                {
                    _pos++;
                    if (_pos < _s.Length && _s[_pos] == '{')
                    {
                        int close = _s.IndexOf('}', _pos);
                        if (close < 0) throw Fail("invalid escape sequence", _s[start..]);
                        string hex = _s[(_pos + 1)..close];
                        if (hex.Length == 0 || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v) || v > 0x10FFFF)
                            throw Fail("invalid escape sequence", _s[start..(close + 1)]);
                        _pos = close + 1;
                        return v;
                    }
                    if (_pos + 2 > _s.Length || !int.TryParse(_s.AsSpan(_pos, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int b))
                        throw Fail("invalid escape sequence", _s[start..Math.Min(_s.Length, _pos + 2)]);
                    _pos += 2;
                    return b;
                }
                case 'a': _pos++; return 7;
                case 'f': _pos++; return '\f';
                case 'n': _pos++; return '\n';
                case 'r': _pos++; return '\r';
                case 't': _pos++; return '\t';
                case 'v': _pos++; return '\v';
            }
            if (c < 0x80 && !char.IsAsciiLetterOrDigit(c))
            {
                _pos++;
                return c;
            }
            int len = char.IsSurrogatePair(_s, _pos) ? 2 : 1;
            throw Fail("invalid escape sequence", _s[start..(_pos + len)]);
        }

        /// <summary>Recognises \d \s \w (and negations) and \p / \P at <paramref name="start"/>.
        /// ASCII classes are added to <paramref name="ranges"/>; a Unicode class is returned as .NET text.</summary>
        private bool TryClassEscape(int start, List<(int Lo, int Hi)> ranges, out string? unicode)
        {
            unicode = null;
            char c = _s[start + 1];
            List<(int, int)>? set = c switch
            {
                'd' or 'D' => s_digit,
                's' or 'S' => s_space,
                'w' or 'W' => s_word,
                _ => null,
            };
            if (set != null)
            {
                _pos = start + 2;
                ranges.AddRange(char.IsUpper(c) ? Complement(set) : set);
                return true;
            }
            if (c is 'p' or 'P')
            {
                int i = start + 2;
                if (i >= _s.Length) throw Fail("invalid character class range", _s[start..]);
                string name;
                if (_s[i] == '{')
                {
                    int close = _s.IndexOf('}', i);
                    if (close < 0) throw Fail("invalid character class range", _s[start..]);
                    name = _s[(i + 1)..close];
                    _pos = close + 1;
                }
                else
                {
                    name = _s[i].ToString();
                    _pos = i + 1;
                }
                bool neg = c == 'P';
                if (name.StartsWith('^'))
                {
                    neg = !neg;
                    name = name[1..];
                }
                string? net = UnicodeClass(name);
                if (net == null) throw Fail("invalid character class range", _s[start.._pos]);
                if (net == "ANY")
                {
                    if (!neg) ranges.Add((0, 0x10FFFF));
                    return true;
                }
                unicode = (neg ? @"\P{" : @"\p{") + net + "}";
                return true;
            }
            return false;
        }

        private static string? UnicodeClass(string name)
        {
            if (name == "Any") return "ANY";
            string[] categories = ["C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
                "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs"];
            if (Array.IndexOf(categories, name) >= 0) return name;
            // Scripts have no .NET equivalent; the Unicode block of the same name is the closest match.
            if (name.Length > 1 && char.IsAsciiLetterUpper(name[0]) && IsWordName(name))
            {
                try
                {
                    _ = new Regex(@"\p{Is" + name + "}");
                    return "Is" + name;
                }
                catch (ArgumentException)
                {
                    return null;
                }
            }
            return null;
        }

        private void ParseClass()
        {
            int start = _pos;
            _pos++; // '['
            bool negated = false;
            if (_pos < _s.Length && _s[_pos] == '^')
            {
                negated = true;
                _pos++;
            }
            var ranges = new List<(int Lo, int Hi)>();
            var unicode = new List<string>();
            bool first = true;
            while (true)
            {
                if (_pos >= _s.Length) throw Fail("missing closing ]", _s[start..]);
                char c = _s[_pos];
                if (c == ']' && !first) break;
                first = false;
                if (c == '[' && _pos + 1 < _s.Length && _s[_pos + 1] == ':')
                {
                    int close = _s.IndexOf(":]", _pos + 2, StringComparison.Ordinal);
                    if (close >= 0)
                    {
                        string name = _s[(_pos + 2)..close];
                        bool neg = name.StartsWith('^');
                        if (neg) name = name[1..];
                        var posix = Posix(name) ?? throw Fail("invalid character class range", _s[_pos..(close + 2)]);
                        ranges.AddRange(neg ? Complement(posix) : posix);
                        _pos = close + 2;
                        continue;
                    }
                }
                if (c == '\\' && _pos + 1 < _s.Length && TryClassEscape(_pos, ranges, out string? uni))
                {
                    if (uni != null) unicode.Add(uni);
                    continue;
                }
                int rangeStart = _pos;
                int lo = ReadClassChar(start);
                int hi = lo;
                if (_pos + 1 < _s.Length && _s[_pos] == '-' && _s[_pos + 1] != ']')
                {
                    _pos++;
                    hi = ReadClassChar(start);
                    if (hi < lo) throw Fail("invalid character class range", _s[rangeStart.._pos]);
                }
                ranges.Add((lo, hi));
            }
            _pos++; // ']'
            if (unicode.Count == 0 && ranges.Count == 0)
            {
                // [^\x00-\x{10FFFF}] and the like: matches nothing (negated) or everything.
                _out.Append(negated ? @"[\s\S]" : "[^\\s\\S]");
                return;
            }
            _out.Append(negated ? "[^" : "[");
            foreach (var u in unicode) _out.Append(u);
            AppendRanges(ranges);
            _out.Append(']');
        }

        private int ReadClassChar(int classStart)
        {
            if (_pos >= _s.Length) throw Fail("missing closing ]", _s[classStart..]);
            if (_s[_pos] == '\\') return ReadEscapedRune();
            return ReadRune();
        }

        private void AppendRanges(List<(int Lo, int Hi)> ranges)
        {
            foreach (var (lo, hi) in Normalize(ranges))
            {
                AppendClassRune(lo);
                if (hi != lo)
                {
                    _out.Append('-');
                    AppendClassRune(hi);
                }
            }
        }

        private void AppendClassRune(int r)
        {
            if (r > 0xFFFF) r = 0xFFFF; // .NET classes work on UTF-16 code units.
            _out.Append(@"\u").Append(r.ToString("X4", CultureInfo.InvariantCulture));
        }

        private static List<(int Lo, int Hi)> Normalize(List<(int Lo, int Hi)> ranges)
        {
            var sorted = new List<(int Lo, int Hi)>(ranges);
            sorted.Sort((a, b) => a.Lo.CompareTo(b.Lo));
            var merged = new List<(int Lo, int Hi)>();
            foreach (var r in sorted)
            {
                if (merged.Count > 0 && r.Lo <= merged[^1].Hi + 1)
                    merged[^1] = (merged[^1].Lo, Math.Max(merged[^1].Hi, r.Hi));
                else
                    merged.Add(r);
            }
            return merged;
        }

        private static List<(int, int)> Complement(List<(int Lo, int Hi)> set)
        {
            var result = new List<(int, int)>();
            int next = 0;
            foreach (var (lo, hi) in Normalize(set))
            {
                if (lo > next) result.Add((next, lo - 1));
                next = hi + 1;
            }
            if (next <= 0x10FFFF) result.Add((next, 0x10FFFF));
            return result;
        }

        private static readonly List<(int, int)> s_digit = [('0', '9')];
        private static readonly List<(int, int)> s_space = [('\t', '\n'), ('\f', '\r'), (' ', ' ')];
        private static readonly List<(int, int)> s_word = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];

        private static List<(int, int)>? Posix(string name) => name switch
        {
            "alnum" => [('0', '9'), ('A', 'Z'), ('a', 'z')],
            "alpha" => [('A', 'Z'), ('a', 'z')],
            "ascii" => [(0, 0x7F)],
            "blank" => [('\t', '\t'), (' ', ' ')],
            "cntrl" => [(0, 0x1F), (0x7F, 0x7F)],
            "digit" => [('0', '9')],
            "graph" => [('!', '~')],
            "lower" => [('a', 'z')],
            "print" => [(' ', '~')],
            "punct" => [('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
            "space" => [('\t', '\r'), (' ', ' ')],
            "upper" => [('A', 'Z')],
            "word" => [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')],
            "xdigit" => [('0', '9'), ('A', 'F'), ('a', 'f')],
            _ => null,
        };
    }
}
