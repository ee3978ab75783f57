using Pprof.Profiles;
using Pprof.Report;

namespace Pprof.Cli.Driver;

/// <summary>Writes a report for a processed profile; the default is <see cref="ReportGenerator.Generate"/>.</summary>
internal delegate void ReportWriter(Stream output, Profile profile, ReportOptions options);
