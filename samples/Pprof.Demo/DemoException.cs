namespace Pprof.Demo;

/// <summary>A failure of the demo's set-up (the shop did not start, a program is missing): reported in one line.</summary>
internal sealed class DemoException : Exception
{
    public DemoException(string message) : base(message)
    {
    }
}
