using Microsoft.Diagnostics.Tracing.Etlx;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Collectors;

/// <summary>Builds the threadcreate profile from Thread/Creating events, by creating stack.</summary>
internal sealed class ThreadCreateCollector : CountCollector
{
    public ThreadCreateCollector() : base("threadcreate") { }

    public override ProfileKind Kind => ProfileKind.ThreadCreate;
    public override long RuntimeKeywords => RuntimeKeyword.Threading;

    public override void Attach(TraceLogEventSource source, StackResolver resolver, SessionContext context)
    {
        source.Clr.ThreadCreating += e => Count(e, resolver, context, SampleLabels.None);
    }
}
