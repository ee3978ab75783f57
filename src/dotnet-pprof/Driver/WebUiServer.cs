using Pprof.Profiles;

namespace Pprof.Cli.Driver;

/// <summary>Serves the <c>-http</c> web UI for <paramref name="profile"/> until interrupted and returns the exit
/// status: the seam through which the driver starts the web layer above it (Go's <c>driver.Options.HTTPServer</c>).
/// The driver never refers to the web code itself.</summary>
internal delegate int WebUiServer(string hostport, Profile profile, PprofConfig config, PprofUI ui, bool disableBrowser);
