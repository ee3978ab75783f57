using System.CommandLine;
using System.CommandLine.Invocation;

namespace Pprof.Cli.Collect;

/// <summary>System.CommandLine's help followed, for <c>collect KIND --help</c>, by what that kind collects and how.</summary>
internal sealed class VerbHelpAction : SynchronousCommandLineAction
{
    private readonly CommandLineAction _standard;

    public VerbHelpAction(CommandLineAction standard) => _standard = standard;

    public override int Invoke(ParseResult parseResult)
    {
        int rc = _standard is SynchronousCommandLineAction sync ? sync.Invoke(parseResult) : 0;
        if ((CollectCommand.Details(parseResult.CommandResult.Command) ?? (parseResult.CommandResult.Command.Name == "leaks" ? Leaks.LeaksCommand.Details : null)) is { } details) parseResult.InvocationConfiguration.Output.Write(details);
        return rc;
    }
}
