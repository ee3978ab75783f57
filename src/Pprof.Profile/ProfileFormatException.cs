namespace Pprof.Profiles;

/// <summary>Thrown when data is not a readable profile, or a profile breaks the format's rules. The message is one line meant for the user.</summary>
public sealed class ProfileFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProfileFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    public ProfileFormatException(string message, Exception inner) : base(message, inner) { }
}
