using System.Text;

namespace Pprof.Cli.Driver;

/// <summary>pprof's help texts: per-option help, the command-line usage and the shell's <c>help</c>.</summary>
internal static class Usage
{
    /// <summary>The tool's name as shown in usage text.</summary>
    public const string ToolName = "dotnet-pprof";

    /// <summary>Help text of every option and choice (pprof's configHelp).</summary>
    public static readonly Dictionary<string, string> ConfigHelp = new(StringComparer.Ordinal)
    {
        ["output"] = Text("Output filename for file-based outputs"),
        ["drop_negative"] = Text("Ignore negative differences", "Do not show any locations with values <0."),
        ["call_tree"] = Text("Create a context-sensitive call tree", "Treat locations reached through different paths as separate."),
        ["relative_percentages"] = Text("Show percentages relative to focused subgraph",
            "If unset, percentages are relative to full graph before focusing", "to facilitate comparison with original graph."),
        ["unit"] = Text("Measurement units to display", "Scale the sample values to this unit.",
            "For time-based profiles, use seconds, milliseconds, nanoseconds, etc.",
            "For memory profiles, use megabytes, kilobytes, bytes, etc.",
            "Using auto will scale each value independently to the most natural unit."),
        ["compact_labels"] = "Show minimal headers",
        ["source_path"] = "Search path for source files",
        ["trim_path"] = "Path to trim from source paths before search",
        ["intel_syntax"] = Text("Show assembly in Intel syntax", "Only applicable to commands `disasm` and `weblist`"),
        ["nodecount"] = Text("Max number of nodes to show", "Uses heuristics to limit the number of locations to be displayed.",
            "On graphs, dotted edges represent paths through nodes that have been removed."),
        ["nodefraction"] = "Hide nodes below <f>*total",
        ["edgefraction"] = "Hide edges below <f>*total",
        ["trim"] = Text("Honor nodefraction/edgefraction/nodecount defaults", "Set to false to get the full profile, without any trimming."),
        ["focus"] = Text("Restricts to samples going through a node matching regexp",
            "Discard samples that do not include a node matching this regexp.", "Matching includes the function name, filename or object name."),
        ["ignore"] = Text("Skips paths going through any nodes matching regexp",
            "If set, discard samples that include a node matching this regexp.", "Matching includes the function name, filename or object name."),
        ["prune_from"] = Text("Drops any functions below the matched frame.",
            "If set, any frames matching the specified regexp and any frames", "below it will be dropped from each sample."),
        ["hide"] = Text("Skips nodes matching regexp", "Discard nodes that match this location.",
            "Other nodes from samples that include this location will be shown.", "Matching includes the function name, filename or object name."),
        ["show"] = Text("Only show nodes matching regexp", "If set, only show nodes that match this location.",
            "Matching includes the function name, filename or object name."),
        ["show_from"] = Text("Drops functions above the highest matched frame.",
            "If set, all frames above the highest match are dropped from every sample.", "Matching includes the function name, filename or object name."),
        ["tagroot"] = Text("Adds pseudo stack frames for labels key/value pairs at the callstack root.",
            "A comma-separated list of label keys.", "The first key creates frames at the new root."),
        ["tagleaf"] = Text("Adds pseudo stack frames for labels key/value pairs at the callstack leaf.",
            "A comma-separated list of label keys.", "The last key creates frames at the new leaf."),
        ["tagfocus"] = Text("Restricts to samples with tags in range or matched by regexp",
            "Use name=value syntax to limit the matching to a specific tag.", "Numeric tag filter examples: 1kb, 1kb:10kb, memory=32mb:",
            "String tag filter examples: foo, foo.*bar, mytag=foo.*bar"),
        ["tagignore"] = Text("Discard samples with tags in range or matched by regexp",
            "Use name=value syntax to limit the matching to a specific tag.", "Numeric tag filter examples: 1kb, 1kb:10kb, memory=32mb:",
            "String tag filter examples: foo, foo.*bar, mytag=foo.*bar"),
        ["tagshow"] = Text("Only consider tags matching this regexp", "Discard tags that do not match this regexp"),
        ["taghide"] = Text("Skip tags matching this regexp", "Discard tags that match this regexp"),
        ["divide_by"] = Text("Ratio to divide all samples before visualization",
            "Divide all samples values by a constant, eg the number of processors or jobs."),
        ["mean"] = Text("Average sample value over first value (count)", "For memory profiles, report average memory per allocation.",
            "For time-based profiles, report average time per event."),
        ["sample_index"] = Text("Sample value to report (0-based index or name)", "Profiles contain multiple values per sample.",
            "Use sample_index=i to select the ith value (starting at 0)."),
        ["normalize"] = Text("Scales profile based on the base profile."),
        ["flat"] = Text("Sort entries based on own weight"),
        ["cum"] = Text("Sort entries based on cumulative weight"),
        ["functions"] = Text("Aggregate at the function level.", "Ignores the filename where the function was defined."),
        ["filefunctions"] = Text("Aggregate at the function level.", "Takes into account the filename where the function was defined."),
        ["files"] = "Aggregate at the file level.",
        ["lines"] = "Aggregate at the source code line level.",
        ["addresses"] = Text("Aggregate at the address level.", "Includes functions' addresses in the output."),
        ["noinlines"] = Text("Ignore inlines.", "Attributes inlined functions to their first out-of-line caller."),
    };

    private static string Text(params string[] lines) => string.Join("\n", lines) + "\n";

    private static string FmtHelp(string c, string d)
    {
        int nl = d.IndexOf('\n');
        string first = nl >= 0 ? d[..nl] : d;
        return "    " + c.PadRight(16) + " " + first;
    }

    /// <summary>The list of commands and options (pprof's usage); <paramref name="commandLine"/> selects the flag form.</summary>
    public static string Commands(bool commandLine)
    {
        string prefix = commandLine ? "-" : "";
        var commands = new List<string>();
        foreach (var (name, cmd) in ReportCommands.Table) commands.Add(FmtHelp(prefix + name, cmd.Description));
        commands.Sort(StringComparer.Ordinal);
        var sb = new StringBuilder();
        if (commandLine)
        {
            sb.Append("  Output formats (select at most one):\n");
        }
        else
        {
            sb.Append("  Commands:\n");
            commands.Add(FmtHelp("o/options", "List options and their current values"));
            commands.Add(FmtHelp("q/quit/exit/^D", "Exit pprof"));
        }
        sb.Append(string.Join("\n", commands)).Append("\n\n  Options:\n");
        var variables = new List<string>();
        var radios = new List<string>();
        foreach (var f in PprofConfig.Fields)
        {
            if (f.Choices.Length == 0)
            {
                variables.Add(FmtHelp(prefix + f.Name, ConfigHelp.GetValueOrDefault(f.Name, "")));
                continue;
            }
            var group = new List<string> { FmtHelp(f.Name, "") };
            foreach (var choice in f.Choices) group.Add("  " + FmtHelp(prefix + choice, ConfigHelp.GetValueOrDefault(choice, "")));
            radios.Add(string.Join("\n", group));
        }
        variables.Sort(StringComparer.Ordinal);
        radios.Sort(StringComparer.Ordinal);
        sb.Append(string.Join("\n", variables)).Append("\n\n  Option groups (only set one per group):\n").Append(string.Join("\n", radios));
        return sb.ToString();
    }

    /// <summary>The full command-line usage (shown by <c>-help</c>).</summary>
    public static string CommandLine() =>
        Header + Commands(commandLine: true) + SourceOptions + MiscOptions;

    private const string Header = """
        usage:

        Produce output in the specified format.

           dotnet-pprof <format> [options] [binary] <source> ...

        Omit the format to get an interactive shell whose commands can be used
        to generate various views of a profile

           dotnet-pprof [options] [binary] <source> ...

        Omit the format and provide the "-http" flag to get an interactive web
        interface at the specified host:port that can be used to navigate through
        various views of a profile.

           dotnet-pprof -http [host]:[port] [options] [binary] <source> ...

        Collect profiles from running .NET processes:

           dotnet-pprof ps
           dotnet-pprof collect <profile> -p <pid> ...
           dotnet-pprof memstats -p <pid>
           dotnet-pprof leaks <profile1> <profile2> <profile3> ...   (or leaks -p <pid> -n 5 -interval 30s)
           dotnet-pprof stats -p <pid> [-interval 1s] [-count n] [-json]
           dotnet-pprof gctrace -p <pid> [-d duration] [-json]
           dotnet-pprof watch -p <pid> -o <dir> -cpu 10,25,80 ... [-report-url url]
           dotnet-pprof dashboard -p <pid> [-http host:port] [-no_browser]   (stats, gctrace, watch, dashboard also take -- <command>)

        Details:

        """;

    private const string SourceOptions = "\n\n" +
        "  Source options:\n" +
        "    -seconds              Duration for time-based profile collection\n" +
        "    -timeout              Timeout in seconds for profile collection\n" +
        "    -buildid              Override build id for main binary\n" +
        "    -add_comment          Free-form annotation to add to the profile\n" +
        "                          Displayed on some reports or with dotnet-pprof -comments\n" +
        "    -diff_base source     Source of base profile for comparison\n" +
        "    -base source          Source of base profile for profile subtraction\n" +
        "    profile.pb.gz         Profile in compressed protobuf format\n" +
        "    legacy_profile        Profile in legacy pprof format\n" +
        "    http://host/profile   URL for profile handler to retrieve\n" +
        "    -symbolize=           Controls source of symbol information\n" +
        "      none                  Do not attempt symbolization\n" +
        "      local                 Examine only local binaries\n" +
        "      fastlocal             Only get function names from local binaries\n" +
        "      remote                Do not examine local binaries\n" +
        "      force                 Force re-symbolization\n" +
        "    Binary                  Local path or build id of binary for symbolization\n" +
        "    -tls_cert             TLS client certificate file for fetching profile and symbols\n" +
        "    -tls_key              TLS private key file for fetching profile and symbols\n" +
        "    -tls_ca               TLS CA certs file for fetching profile and symbols";

    private const string MiscOptions = "\n\n" +
        "  Misc options:\n" +
        "   -http              Provide web interface at host:port.\n" +
        "                      Host is optional and 'localhost' by default.\n" +
        "                      Port is optional and a randomly available port by default.\n" +
        "   -no_browser        Skip opening a browser for the interactive web UI.\n" +
        "   -tools             Search path for object tools\n" +
        "\n" +
        "  Legacy convenience options:\n" +
        "   -inuse_space           Same as -sample_index=inuse_space\n" +
        "   -inuse_objects         Same as -sample_index=inuse_objects\n" +
        "   -alloc_space           Same as -sample_index=alloc_space\n" +
        "   -alloc_objects         Same as -sample_index=alloc_objects\n" +
        "   -total_delay           Same as -sample_index=delay\n" +
        "   -contentions           Same as -sample_index=contentions\n" +
        "   -mean_delay            Same as -mean -sample_index=delay\n" +
        "\n" +
        "  Environment Variables:\n" +
        "   PPROF_TMPDIR       Location for saved profiles (default $HOME/pprof)\n" +
        "   PPROF_TOOLS        Search path for object-level tools\n" +
        "   PPROF_BINARY_PATH  Search path for local binary files\n" +
        "                      default: $HOME/pprof/binaries\n" +
        "                      searches $name, $path, $buildid/$name, $path/$buildid\n" +
        "   PPROF_MAX_DECOMPRESSED_BYTES  Largest size a gzipped profile may expand to\n" +
        "   * On Windows, %USERPROFILE% is used instead of $HOME\n";
}
