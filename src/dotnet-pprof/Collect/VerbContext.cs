namespace Pprof.Cli.Collect;

/// <summary>What the verbs' actions need besides their parsed options.</summary>
/// <param name="Out">Standard output.</param>
/// <param name="Err">Standard error: messages, progress.</param>
/// <param name="Command">The command after <c>--</c> (launch mode); empty when none.</param>
/// <param name="CancellationToken">Stops the verb (besides Ctrl+C).</param>
internal sealed record VerbContext(TextWriter Out, TextWriter Err, string[] Command, CancellationToken CancellationToken);
