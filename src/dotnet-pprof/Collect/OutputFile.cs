using Pprof.Profiles;

namespace Pprof.Cli.Collect;

/// <summary>Where <c>collect</c> writes its profile, opened before collecting so that an unwritable path fails at once
/// rather than after the whole collection. An existing file is left untouched until a profile replaces it; a file
/// created for a collection that produced nothing is removed.</summary>
internal sealed class OutputFile : IDisposable
{
    private readonly FileStream? _file;
    private readonly bool _created;
    private bool _written;

    private OutputFile(string path, FileStream? file, bool created)
    {
        Path = path;
        _file = file;
        _created = created;
    }

    /// <summary>The path given (<c>-</c> for standard output).</summary>
    public string Path { get; }

    /// <summary>Opens <paramref name="path"/> for writing; throws <see cref="IOException"/> with one line when it cannot be.</summary>
    public static OutputFile Open(string path)
    {
        if (path == "-") return new OutputFile(path, null, false);
        bool existed = File.Exists(path);
        try
        {
            return new OutputFile(path, new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read), !existed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            string reason = e is DirectoryNotFoundException ? "no such directory" : e.Message;
            throw new IOException($"cannot write {path}: {reason}", e);
        }
    }

    /// <summary>Writes <paramref name="profile"/> (gzipped profile.proto), replacing what the file held.</summary>
    public void Write(Profile profile)
    {
        if (_file == null)
        {
            using var stdout = Console.OpenStandardOutput();
            profile.Write(stdout);
        }
        else
        {
            _file.SetLength(0);
            profile.Write(_file);
            _file.Flush();
        }
        _written = true;
    }

    /// <summary>Closes the file; removes it when it was created for nothing.</summary>
    public void Dispose()
    {
        if (_file == null) return;
        _file.Dispose();
        if (_created && !_written)
        {
            try
            {
                File.Delete(Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
