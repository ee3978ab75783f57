using Microsoft.Diagnostics.Tracing.Etlx;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Collectors;

/// <summary>Builds the exceptions profile from ExceptionThrown_V1 events: a count by throw stack, the exception type
/// as the <c>exception</c> label.</summary>
internal sealed class ExceptionCollector : CountCollector
{
    public ExceptionCollector() : base("exceptions") { }

    public override ProfileKind Kind => ProfileKind.Exceptions;
    public override long RuntimeKeywords => RuntimeKeyword.Exception;

    public override void Attach(TraceLogEventSource source, StackResolver resolver, SessionContext context)
    {
        source.Clr.ExceptionStart += e =>
        {
            string type = string.IsNullOrEmpty(e.ExceptionType) ? "[unknown]" : TypeNames.Format(e.ExceptionType);
            Count(e, resolver, context, new SampleLabels(new[] { new KeyValuePair<string, string>("exception", type) }));
        };
    }
}
