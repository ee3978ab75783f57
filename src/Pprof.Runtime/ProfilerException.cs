namespace Pprof.Runtime;

/// <summary>A profile could not be collected; the message is one line meant for the user.</summary>
public sealed class ProfilerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProfilerException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public ProfilerException(string message, Exception inner) : base(message, inner) { }
}
