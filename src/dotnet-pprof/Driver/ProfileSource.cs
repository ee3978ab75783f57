namespace Pprof.Cli.Driver;

/// <summary>Where the profiles come from and how to fetch them (pprof's <c>source</c>).</summary>
internal sealed class ProfileSource
{
    /// <summary>Profile files and URLs to merge.</summary>
    public List<string> Sources { get; init; } = new();

    /// <summary>The binary given on the command line, if any.</summary>
    public string ExecName { get; set; } = "";

    /// <summary>Build id override for the main mapping.</summary>
    public string BuildId { get; set; } = "";

    /// <summary>Base profiles (for -base or -diff_base).</summary>
    public List<string> Base { get; set; } = new();

    /// <summary>True for -diff_base (samples of the base are labelled <c>pprof::base</c> rather than just subtracted).</summary>
    public bool DiffBase { get; set; }

    /// <summary>Scale the profile to the base before subtracting.</summary>
    public bool Normalize { get; set; }

    /// <summary>-seconds (negative when not given).</summary>
    public int Seconds { get; set; } = -1;

    /// <summary>-timeout in seconds (negative when not given).</summary>
    public int Timeout { get; set; } = -1;

    /// <summary>-symbolize mode.</summary>
    public string Symbolize { get; set; } = "";

    /// <summary>-http host:port.</summary>
    public string HttpHostport { get; set; } = "";

    /// <summary>-no_browser.</summary>
    public bool HttpDisableBrowser { get; set; }

    /// <summary>-tls_cert: PEM client certificate for HTTPS sources.</summary>
    public string TlsCert { get; set; } = "";

    /// <summary>-tls_key: PEM private key of <see cref="TlsCert"/>.</summary>
    public string TlsKey { get; set; } = "";

    /// <summary>-tls_ca: PEM CA certificates that HTTPS servers must chain to.</summary>
    public string TlsCa { get; set; } = "";

    /// <summary>-add_comment.</summary>
    public string Comment { get; set; } = "";
}
