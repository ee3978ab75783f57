namespace Pprof.Profile.Legacy;

/// <summary>Entry point for the legacy (non-proto) profile formats.</summary>
internal static class LegacyParser
{
    /// <summary>Returns the parsed profile, or null when the data is in none of the legacy formats.
    /// Throws <see cref="ProfileFormatException"/> when the data is recognised but malformed.</summary>
    public static Profile? TryParse(byte[] data) => null;
}
