namespace Pprof.Profiles;

public sealed partial class Profile
{
    /// <summary>Resolves pprof's <c>-sample_index</c> value to an index into <see cref="SampleTypes"/>: empty means
    /// the <see cref="DefaultSampleType"/> (or the last type when there is none or it is unknown); a number is the index
    /// itself; otherwise a sample type name, where an <c>inuse_</c> prefix may be left out of the profile's names
    /// (legacy <c>inuse_space</c> for a <c>space</c> type).</summary>
    /// <exception cref="ProfileFormatException">An index out of range or an unknown name, with pprof's message.</exception>
    public int SampleIndexByName(string sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(sampleIndex);
        if (sampleIndex.Length == 0)
        {
            if (DefaultSampleType.Length != 0)
            {
                for (int i = 0; i < SampleTypes.Count; i++)
                {
                    if (SampleTypes[i].Type == DefaultSampleType) return i;
                }
            }
            return SampleTypes.Count - 1;
        }
        if (Go.GoStrconv.TryAtoi(sampleIndex, out long n))
        {
            if (n < 0 || n >= SampleTypes.Count)
                throw new ProfileFormatException($"sample_index {sampleIndex} is outside the range [0..{SampleTypes.Count - 1}]");
            return (int)n;
        }

        string noInuse = sampleIndex.StartsWith("inuse_", StringComparison.Ordinal) ? sampleIndex.Substring("inuse_".Length) : sampleIndex;
        for (int i = 0; i < SampleTypes.Count; i++)
        {
            string t = SampleTypes[i].Type;
            if (t == sampleIndex || t == noInuse) return i;
        }
        throw new ProfileFormatException($"sample_index {Go.GoStrconv.Quote(sampleIndex)} must be one of: [{string.Join(" ", SampleTypes.Select(t => t.Type))}]");
    }
}
