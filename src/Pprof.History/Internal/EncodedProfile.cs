namespace Pprof.History.Internal;

/// <summary>A profile as stored: its header's id, its samples blob, and the total and unit of its default sample value.</summary>
internal readonly record struct EncodedProfile(long HeaderId, byte[] Samples, long Total, string Unit);
