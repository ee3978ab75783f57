namespace Pprof.Report.Visual;

/// <summary>Graphviz's <c>dot</c> program is not installed (not found on <c>PATH</c>).</summary>
public sealed class GraphvizNotFoundException : Exception
{
    /// <summary>The one-line message shown to the user.</summary>
    internal const string DefaultMessage = "Graphviz 'dot' was not found on PATH; install the graphviz package (for example: apt-get install graphviz) to draw call graphs";

    /// <summary>Creates the exception with <see cref="DefaultMessage"/>.</summary>
    internal GraphvizNotFoundException() : base(DefaultMessage)
    {
    }
}
