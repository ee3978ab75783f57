using Pprof.Profiles.Go;

namespace Pprof.Cli.Driver;

/// <summary>The parsed command line: where the profiles come from, the report command (null for the shell) and the
/// configuration (pprof's parseFlags).</summary>
internal sealed class CommandLine
{
    private CommandLine(ProfileSource source, string[]? command, PprofConfig config, bool help)
    {
        Source = source;
        Command = command;
        Config = config;
        HelpRequested = help;
    }

    public ProfileSource Source { get; }

    /// <summary>The report command and its argument, e.g. <c>["top"]</c> or <c>["list", "main"]</c>; null for the shell.</summary>
    public string[]? Command { get; }

    public PprofConfig Config { get; }

    /// <summary>True when <c>-h</c>/<c>-help</c> was given.</summary>
    public bool HelpRequested { get; }

    /// <summary>Parses pprof's command line. Throws <see cref="PprofException"/> for a bad one.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args, PprofUI ui)
    {
        var flags = new FlagSet();
        flags.DefineString("diff_base", "");
        flags.DefineString("base", "");
        flags.DefineString("symbolize", "");
        flags.DefineString("buildid", "");
        flags.DefineInt("timeout", -1);
        flags.DefineString("add_comment", "");
        flags.DefineInt("seconds", -1);
        foreach (var n in s_sampleAliases) flags.DefineBool(n.Flag, false);
        flags.DefineString("tools", Environment.GetEnvironmentVariable("PPROF_TOOLS") ?? "");
        flags.DefineString("http", "");
        flags.DefineBool("no_browser", false);
        flags.DefineString("tls_cert", "");
        flags.DefineString("tls_key", "");
        flags.DefineString("tls_ca", "");

        var cfg = new PprofConfig();
        foreach (var f in PprofConfig.Fields)
        {
            if (f.Choices.Length > 0)
            {
                foreach (var choice in f.Choices) flags.DefineBool(choice, false);
                continue;
            }
            switch (f.Kind)
            {
                case ConfigFieldKind.Bool: flags.DefineBool(f.Name, f.Get(cfg) == "true"); break;
                case ConfigFieldKind.Int: flags.DefineInt(f.Name, long.Parse(f.Get(cfg), System.Globalization.CultureInfo.InvariantCulture)); break;
                case ConfigFieldKind.Float: flags.DefineFloat(f.Name, f.Name == "divide_by" ? cfg.DivideBy : f.Name == "nodefraction" ? cfg.NodeFraction : cfg.EdgeFraction); break;
                default: flags.DefineString(f.Name, f.Get(cfg)); break;
            }
        }
        foreach (var (name, cmd) in ReportCommands.Table)
        {
            if (flags.IsDefined(name)) continue;
            if (cmd.HasParam) flags.DefineString(name, "");
            else flags.DefineBool(name, false);
        }

        var rest = flags.Parse(args);
        if (flags.HelpRequested) return new CommandLine(new ProfileSource(), null, cfg, help: true);
        if (rest.Count == 0) throw new PprofException("no profile source specified (run dotnet-pprof -help for usage)");

        string execName = "";
        string buildId = flags.GetString("buildid");
        if (rest.Count > 1)
        {
            string arg0 = rest[0];
            if (IsBinary(arg0))
            {
                execName = arg0;
                rest.RemoveAt(0);
            }
            else if (buildId.Length == 0 && IsBuildId(arg0))
            {
                buildId = arg0;
                rest.RemoveAt(0);
            }
        }

        // Copy the configuration flags into cfg.
        foreach (var f in PprofConfig.Fields)
        {
            if (f.Choices.Length > 0)
            {
                var set = new List<string>();
                foreach (var choice in f.Choices)
                    if (flags.GetBool(choice)) set.Add(choice);
                if (set.Count == 1) f.Set(cfg, set[0]);
                else if (set.Count > 1) throw new PprofException($"conflicting options set: [{string.Join(" ", set)}]");
                continue;
            }
            if (!flags.IsSet(f.Name)) continue;
            f.Set(cfg, f.Kind switch
            {
                ConfigFieldKind.Int => flags.GetInt(f.Name).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ConfigFieldKind.Float => GoFormat.G(flags.GetFloat(f.Name)),
                ConfigFieldKind.Bool => flags.GetBool(f.Name) ? "true" : "false",
                _ => flags.GetString(f.Name),
            });
        }

        string[]? cmdLine = null;
        foreach (var (name, cmd) in ReportCommands.Table)
        {
            bool selected = cmd.HasParam ? flags.GetString(name).Length > 0 : flags.GetBool(name);
            if (!selected) continue;
            if (cmdLine != null) throw new PprofException("must set at most one output format");
            cmdLine = cmd.HasParam ? [name, flags.GetString(name)] : [name];
        }
        string http = flags.GetString("http");
        if (cmdLine != null && http.Length > 0) throw new PprofException("-http is not compatible with an output format on the command line");
        if (flags.GetBool("no_browser") && http.Length == 0) throw new PprofException("-no_browser only makes sense with -http");

        string si = cfg.SampleIndex;
        foreach (var alias in s_sampleAliases)
        {
            if (!flags.GetBool(alias.Flag)) continue;
            if (si.Length == 0) si = alias.SampleType;
            else ui.PrintErr("Multiple value selections, ignoring -" + alias.Flag);
        }
        cfg.SampleIndex = si;
        if (flags.GetBool("mean_delay")) cfg.Mean = true;

        var source = new ProfileSource
        {
            Sources = rest,
            ExecName = execName,
            BuildId = buildId,
            Seconds = (int)flags.GetInt("seconds"),
            Timeout = (int)flags.GetInt("timeout"),
            Symbolize = flags.GetString("symbolize"),
            HttpHostport = http,
            HttpDisableBrowser = flags.GetBool("no_browser"),
            Comment = flags.GetString("add_comment"),
            TlsCert = flags.GetString("tls_cert"),
            TlsKey = flags.GetString("tls_key"),
            TlsCa = flags.GetString("tls_ca"),
        };
        string b = flags.GetString("base"), db = flags.GetString("diff_base");
        if (b.Length > 0 && db.Length > 0) throw new PprofException("-base and -diff_base flags cannot both be specified");
        if (b.Length > 0) source.Base = [b];
        if (db.Length > 0)
        {
            source.Base = [db];
            source.DiffBase = true;
        }
        if (cfg.Normalize && source.Base.Count == 0) throw new PprofException("must have base profile to normalize by");
        source.Normalize = cfg.Normalize;
        return new CommandLine(source, cmdLine, cfg, help: false);
    }

    /// <summary>The legacy sample-selection flags, in the order pprof applies them.</summary>
    private static readonly (string Flag, string SampleType)[] s_sampleAliases =
    [
        ("total_delay", "delay"),
        ("mean_delay", "delay"),
        ("contentions", "contentions"),
        ("inuse_space", "inuse_space"),
        ("inuse_objects", "inuse_objects"),
        ("alloc_space", "alloc_space"),
        ("alloc_objects", "alloc_objects"),
    ];

    /// <summary>True when <paramref name="id"/> is made only of hex digits (pprof's isBuildID).</summary>
    private static bool IsBuildId(string id)
    {
        foreach (char c in id)
            if (!Uri.IsHexDigit(c)) return false;
        return true;
    }

    /// <summary>True when <paramref name="path"/> is an executable or library rather than a profile: an existing file
    /// that starts with an ELF, PE or Mach-O header.</summary>
    private static bool IsBinary(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            Span<byte> head = stackalloc byte[4];
            using var f = File.OpenRead(path);
            int n = f.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            if (n < 4) return false;
            if (head[0] == 0x7F && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F') return true;
            if (head[0] == (byte)'M' && head[1] == (byte)'Z') return true;
            uint magic = BitConverter.ToUInt32(head);
            return magic is 0xFEEDFACE or 0xFEEDFACF or 0xCEFAEDFE or 0xCFFAEDFE or 0xCAFEBABE or 0xBEBAFECA;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
