namespace Pprof.Cli.Driver;

/// <summary>Transforms or shows a generated report (pprof's PostProcessor): reads <paramref name="input"/>, writes
/// <paramref name="output"/> (standard output unless <c>-output</c> names a file).</summary>
internal delegate void ReportPostProcessor(ReadOnlyMemory<byte> input, Stream output, PprofUI ui);
