using Pprof.Profiles.Go;

namespace Pprof.Cli.Driver;

/// <summary>Metadata for one pprof configuration variable (a command-line flag and a shell option).</summary>
internal sealed class ConfigField
{
    public ConfigField(string name, ConfigFieldKind kind, bool saved, string? urlParam,
        Func<PprofConfig, string> get, Action<PprofConfig, string> setRaw, string[]? choices = null)
    {
        Name = name;
        Kind = kind;
        Saved = saved;
        UrlParam = urlParam;
        Getter = get;
        RawSetter = setRaw;
        Choices = choices ?? Array.Empty<string>();
    }

    /// <summary>The variable's name (e.g. <c>nodecount</c>).</summary>
    public string Name { get; }

    public ConfigFieldKind Kind { get; }

    /// <summary>True when the field is saved in web UI settings (pprof's JSON-named fields).</summary>
    public bool Saved { get; }

    /// <summary>The short URL parameter name used by the web UI, or null.</summary>
    public string? UrlParam { get; }

    /// <summary>For a multiple-choice field, the allowed values (each is also a boolean flag).</summary>
    public string[] Choices { get; }

    /// <summary>The field's value in the default configuration.</summary>
    public string DefaultValue { get; internal set; } = "";

    private Func<PprofConfig, string> Getter { get; }

    private Action<PprofConfig, string> RawSetter { get; }

    /// <summary>The field's value as pprof prints it (Go's <c>fmt.Sprint</c>).</summary>
    public string Get(PprofConfig cfg) => Getter(cfg);

    /// <summary>Parses <paramref name="value"/> as pprof does and stores it; throws <see cref="PprofException"/> on a bad value.</summary>
    public void Set(PprofConfig cfg, string value)
    {
        switch (Kind)
        {
            case ConfigFieldKind.String when Choices.Length > 0:
                if (Array.IndexOf(Choices, value) < 0) throw new PprofException($"invalid \"{Name}\" value \"{value}\"");
                RawSetter(cfg, value);
                break;
            case ConfigFieldKind.Int:
                if (!GoStrconv.TryAtoi(value, out _)) throw new PprofException($"strconv.Atoi: parsing {GoStrconv.Quote(value)}: invalid syntax");
                RawSetter(cfg, value);
                break;
            case ConfigFieldKind.Float:
                if (!GoStrconv.TryParseFloat(value, out _)) throw new PprofException($"strconv.ParseFloat: parsing {GoStrconv.Quote(value)}: invalid syntax");
                RawSetter(cfg, value);
                break;
            case ConfigFieldKind.Bool:
                if (!TryStringToBool(value, out bool b)) throw new PprofException($"illegal value \"{value}\" for bool variable");
                RawSetter(cfg, b ? "true" : "false");
                break;
            default:
                RawSetter(cfg, value);
                break;
        }
    }

    /// <summary>pprof's lenient boolean parsing for option assignments (an empty value means true).</summary>
    private static bool TryStringToBool(string s, out bool value)
    {
        switch (s.ToLowerInvariant())
        {
            case "true" or "t" or "yes" or "y" or "1" or "": value = true; return true;
            case "false" or "f" or "no" or "n" or "0": value = false; return true;
            default: value = false; return false;
        }
    }
}
