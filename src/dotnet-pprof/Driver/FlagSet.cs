using Pprof.Profiles.Go;

namespace Pprof.Cli.Driver;

/// <summary>Command-line flags parsed with the rules of Go's <c>flag</c> package, which pprof uses: <c>-name</c> or
/// <c>--name</c>, <c>-name=value</c> or <c>-name value</c> (booleans only take <c>=value</c>), parsing stops at the first
/// argument that is not a flag or after <c>--</c>.</summary>
internal sealed class FlagSet
{
    private readonly Dictionary<string, Flag> _flags = new(StringComparer.Ordinal);

    private sealed class Flag
    {
        public required string Name;
        public required FlagKind Kind;
        public required string Value;
        public bool IsSet;
    }

    private enum FlagKind
    {
        Bool,
        Int,
        Float,
        String,
    }

    /// <summary>True when <c>-h</c> or <c>-help</c> was given (and not defined as a flag).</summary>
    public bool HelpRequested { get; private set; }

    public void DefineBool(string name, bool value) => Define(name, FlagKind.Bool, value ? "true" : "false");

    public void DefineInt(string name, long value) => Define(name, FlagKind.Int, value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void DefineFloat(string name, double value) => Define(name, FlagKind.Float, GoFormat.G(value));

    public void DefineString(string name, string value) => Define(name, FlagKind.String, value);

    private void Define(string name, FlagKind kind, string value)
    {
        if (_flags.ContainsKey(name)) throw new InvalidOperationException("flag redefined: " + name);
        _flags[name] = new Flag { Name = name, Kind = kind, Value = value };
    }

    /// <summary>True when the flag is defined.</summary>
    public bool IsDefined(string name) => _flags.ContainsKey(name);

    /// <summary>True when the flag appeared on the command line.</summary>
    public bool IsSet(string name) => _flags[name].IsSet;

    public bool GetBool(string name) => _flags[name].Value == "true";

    public long GetInt(string name)
    {
        GoStrconv.TryParseInt(_flags[name].Value, 0, out long v, out _);
        return v;
    }

    public double GetFloat(string name)
    {
        GoStrconv.TryParseFloat(_flags[name].Value, out double v);
        return v;
    }

    public string GetString(string name) => _flags[name].Value;

    /// <summary>Parses <paramref name="args"/>; returns the arguments after the flags. Throws <see cref="PprofException"/>
    /// with Go's wording for an unknown flag or a bad value.</summary>
    public List<string> Parse(IReadOnlyList<string> args)
    {
        int i = 0;
        while (i < args.Count)
        {
            string s = args[i];
            if (s.Length < 2 || s[0] != '-') break;
            int dashes = 1;
            if (s[1] == '-')
            {
                dashes = 2;
                if (s.Length == 2)
                {
                    i++;
                    break;
                }
            }
            string name = s[dashes..];
            if (name.Length == 0 || name[0] == '-' || name[0] == '=') throw new PprofException("bad flag syntax: " + s);
            i++;
            string? value = null;
            int eq = name.IndexOf('=', 1);
            if (eq > 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            if (!_flags.TryGetValue(name, out var flag))
            {
                if (name is "help" or "h")
                {
                    HelpRequested = true;
                    return new List<string>();
                }
                throw new PprofException("flag provided but not defined: -" + name);
            }
            if (flag.Kind == FlagKind.Bool)
            {
                if (value != null)
                {
                    if (!GoStrconv.TryParseBool(value, out bool b))
                        throw new PprofException($"invalid boolean value {GoStrconv.Quote(value)} for -{name}: parse error");
                    flag.Value = b ? "true" : "false";
                }
                else
                {
                    flag.Value = "true";
                }
            }
            else
            {
                if (value == null)
                {
                    if (i >= args.Count) throw new PprofException("flag needs an argument: -" + name);
                    value = args[i++];
                }
                Validate(flag, value);
                flag.Value = value;
            }
            flag.IsSet = true;
        }
        var rest = new List<string>();
        for (; i < args.Count; i++) rest.Add(args[i]);
        return rest;
    }

    private static void Validate(Flag flag, string value)
    {
        switch (flag.Kind)
        {
            case FlagKind.Int:
            {
                // The flag package parses ints with strconv.ParseInt(s, 0, 64).
                bool ok = GoStrconv.TryParseInt(value, 0, out long v, out string? error);
                bool outOfRange = error?.EndsWith("value out of range", StringComparison.Ordinal) == true;
                if (ok && (v > int.MaxValue || v < int.MinValue)) outOfRange = true;
                if (!ok || outOfRange)
                    throw new PprofException($"invalid value {GoStrconv.Quote(value)} for flag -{flag.Name}: {(outOfRange ? "value out of range" : "parse error")}");
                break;
            }
            case FlagKind.Float:
                if (!GoStrconv.TryParseFloat(value, out double d))
                    throw new PprofException($"invalid value {GoStrconv.Quote(value)} for flag -{flag.Name}: parse error");
                if (double.IsInfinity(d) && !value.Contains("inf", StringComparison.OrdinalIgnoreCase))
                    throw new PprofException($"invalid value {GoStrconv.Quote(value)} for flag -{flag.Name}: value out of range");
                break;
        }
    }
}
