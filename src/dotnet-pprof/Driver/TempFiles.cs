using System.Globalization;

namespace Pprof.Cli.Driver;

/// <summary>Creates numbered files the way pprof does (<c>prefix001suffix</c>, the first name not yet taken).</summary>
internal static class TempFiles
{
    /// <summary>Creates a new file <c>dir/prefixNNNsuffix</c> and returns it open for writing; <paramref name="path"/> is its name as built (relative when <paramref name="dir"/> is empty).</summary>
    public static FileStream Create(string dir, string prefix, string suffix, out string path)
    {
        for (int index = 1; index < 10000; index++)
        {
            path = Path.Combine(dir, prefix + index.ToString("D3", CultureInfo.InvariantCulture) + suffix);
            try
            {
                return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite);
            }
            catch (IOException) when (File.Exists(path) || Directory.Exists(path))
            {
            }
        }
        throw new PprofException($"could not create file of the form {prefix}001{suffix}");
    }
}
