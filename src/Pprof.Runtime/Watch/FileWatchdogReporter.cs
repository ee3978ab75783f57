namespace Pprof.Runtime.Watch;

/// <summary>Writes each profile to a directory as <c>&lt;kind&gt;.&lt;yyyyMMddHHmmss.fff&gt;.pb.gz</c> (created if
/// missing; an existing file is never overwritten: a suffix <c>-2</c>, <c>-3</c>… is added).</summary>
public sealed class FileWatchdogReporter : IWatchdogReporter
{
    /// <summary>Writes into <paramref name="directory"/>.</summary>
    public FileWatchdogReporter(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The directory written to.</summary>
    public string Directory { get; }

    /// <summary>The paths written so far.</summary>
    public IReadOnlyList<string> Written
    {
        get
        {
            lock (_written) return _written.ToArray();
        }
    }

    private readonly List<string> _written = new();

    /// <inheritdoc/>
    public async Task ReportAsync(WatchdogDump dump, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dump);
        System.IO.Directory.CreateDirectory(Directory);
        string path = Path.Combine(Directory, dump.FileName);
        for (int i = 2; File.Exists(path); i++) path = Path.Combine(Directory, dump.FileName.Replace(".pb.gz", $"-{i}.pb.gz", StringComparison.Ordinal));
        await using (var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            await f.WriteAsync(dump.Profile, cancellationToken).ConfigureAwait(false);
        }
        lock (_written) _written.Add(path);
    }
}
