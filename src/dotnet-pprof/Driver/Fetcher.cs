using Pprof.Profiles.Go;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Pprof.Profiles;
using Pprof.Report;

namespace Pprof.Cli.Driver;

/// <summary>Reads, fetches, merges and subtracts profiles as pprof's fetch.go does.</summary>
internal sealed class Fetcher
{
    private readonly PprofUI _ui;

    public Fetcher(PprofUI ui) => _ui = ui;

    /// <summary>Handler used for HTTP requests (tests may replace it); null uses the default.</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>How long garbage collections are held off around decoding (the command line is the only thing running).</summary>
    public GcPolicy Gc { get; init; } = GcPolicy.DeferWhileDecoding;

    private sealed class Grabbed
    {
        public Profile? Profile;
        public bool Remote;
        public string? Error;
    }

    /// <summary>Fetches every source and base, merges them, subtracts the base, and returns the profile to report on
    /// (pprof's fetchProfiles). Throws <see cref="PprofException"/> when nothing could be fetched.</summary>
    public Profile FetchProfiles(ProfileSource s)
    {
        var (p, pbase, save) = GrabSourcesAndBases(s);
        if (pbase != null)
        {
            if (s.DiffBase) pbase.SetLabel("pprof::base", ["true"]);
            if (s.Normalize) p.Normalize(pbase);
            pbase.Scale(-1);
            p = Combine([p, pbase]);
        }

        Symbolize(s.Symbolize);
        p.RemoveUninteresting();
        UnsourceMappings(p);

        if (s.Comment.Length > 0) p.Comments.Add(s.Comment);

        if (save) SaveProfile(p);

        // pprof validates the profile once more here. Every profile was validated when parsed, and merging, scaling,
        // pruning and unsourcing build valid profiles from valid ones, so the check (a walk over every frame of every
        // sample) is left out.
        return p;
    }

    private void Symbolize(string mode)
    {
        // dotnet-pprof has no object-file symbolizer: profiles from .NET arrive symbolized. Validate the mode as pprof does.
        foreach (var o in mode.ToLowerInvariant().Split(':'))
        {
            switch (o)
            {
                case "" or "none" or "no" or "local" or "fastlocal" or "remote" or "force":
                    continue;
            }
            string d = o.StartsWith("demangle=", StringComparison.Ordinal) ? o["demangle=".Length..] : o;
            if (d is "full" or "none" or "templates" or "default") continue;
            _ui.PrintErr("ignoring unrecognized symbolization option: " + mode);
            _ui.PrintErr("expecting -symbolize=[local|fastlocal|remote|none][:force][:demangle=[none|full|templates|default]");
        }
    }

    private void SaveProfile(Profile p)
    {
        string? dir = TmpDir();
        if (dir == null)
        {
            _ui.PrintErr("Could not save profile: failed to identify temp dir");
            return;
        }
        string prefix = "pprof.";
        if (p.Mappings.Count > 0 && p.Mappings[0].File.Length > 0) prefix += Path.GetFileName(p.Mappings[0].File) + ".";
        foreach (var st in p.SampleTypes) prefix += st.Type + ".";
        try
        {
            string path;
            using (var f = TempFiles.Create(dir, prefix, ".pb.gz", out path))
            {
                p.Write(f);
            }
            _ui.PrintErr("Saved profile in " + path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PprofException)
        {
            _ui.PrintErr("Could not save profile: " + e.Message);
        }
    }

    /// <summary>The directory for fetched profiles: $PPROF_TMPDIR, else $HOME/pprof, else the system temp dir.</summary>
    private string? TmpDir()
    {
        var dirs = new List<string>();
        string? env = Environment.GetEnvironmentVariable("PPROF_TMPDIR");
        if (!string.IsNullOrEmpty(env)) dirs.Add(env);
        string? home = Environment.GetEnvironmentVariable(OperatingSystem.IsWindows() ? "USERPROFILE" : "HOME");
        if (!string.IsNullOrEmpty(home)) dirs.Add(Path.Combine(home, "pprof"));
        dirs.Add(Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar) is { Length: > 0 } t ? t : "/tmp");
        foreach (var d in dirs)
        {
            try
            {
                Directory.CreateDirectory(d);
                return d;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _ui.PrintErr($"Could not use temp dir {d}: {e.Message}");
            }
        }
        return null;
    }

    private (Profile P, Profile? Base, bool Save) GrabSourcesAndBases(ProfileSource s)
    {
        var all = new List<string>(s.Sources);
        all.AddRange(s.Base);
        var grabbed = new Grabbed[all.Count];
        if (all.Count == 1)
        {
            grabbed[0] = Grab(s, all[0]);
        }
        else
        {
            var tasks = new Task<Grabbed>[all.Count];
            for (int i = 0; i < all.Count; i++)
            {
                string addr = all[i];
                tasks[i] = Task.Run(() => Grab(s, addr));
            }
            Task.WaitAll(tasks);
            for (int i = 0; i < all.Count; i++) grabbed[i] = tasks[i].Result;
        }

        var (p, saveSrc, countSrc, lastSrcError) = Collect(s.Sources, grabbed, 0, "source");
        var (pb, saveBase, countBase, lastBaseError) = Collect(s.Base, grabbed, s.Sources.Count, "base");
        if (countSrc == 0)
        {
            if (s.Sources.Count == 1 && lastSrcError != null) throw new PprofException(lastSrcError);
            throw new PprofException("failed to fetch any source profiles");
        }
        if (countBase == 0 && s.Base.Count > 0)
        {
            if (s.Base.Count == 1 && lastBaseError != null) throw new PprofException(lastBaseError);
            throw new PprofException("failed to fetch any base profiles");
        }
        if (countSrc != s.Sources.Count) _ui.PrintErr($"Fetched {countSrc} source profiles out of {s.Sources.Count}");
        if (s.Base.Count > 0 && countBase != s.Base.Count) _ui.PrintErr($"Fetched {countBase} base profiles out of {s.Base.Count}");
        return (p!, pb, saveSrc || saveBase);
    }

    private (Profile? P, bool Save, int Count, string? LastError) Collect(List<string> addrs, Grabbed[] grabbed, int offset, string what)
    {
        var profiles = new List<Profile>();
        bool save = false;
        string? lastError = null;
        for (int i = 0; i < addrs.Count; i++)
        {
            var g = grabbed[offset + i];
            if (g.Error != null)
            {
                string line = addrs[i] + ": " + g.Error;
                // A lone source's error is the command's error line; otherwise each failure is reported.
                if (addrs.Count == 1) lastError = line;
                else _ui.PrintErr(line);
                continue;
            }
            save |= g.Remote;
            profiles.Add(g.Profile!);
        }
        if (profiles.Count == 0) return (null, false, 0, lastError);
        try
        {
            return (Combine(profiles), save, profiles.Count, null);
        }
        catch (PprofException e)
        {
            throw new PprofException($"problem fetching {what} profiles: {e.Message}");
        }
    }

    /// <summary>Scales the profiles to common units and merges them (pprof's combineProfiles).</summary>
    internal static Profile Combine(IReadOnlyList<Profile> profiles)
    {
        try
        {
            Measurement.ScaleProfiles(profiles);
            // The fetched profiles are not used again: let the merge reuse their samples instead of copying them.
            return Profile.MergeConsuming(profiles);
        }
        catch (Exception e) when (e is InvalidOperationException or ProfileFormatException)
        {
            throw new PprofException(e.Message, e);
        }
    }

    private Grabbed Grab(ProfileSource s, string addr)
    {
        var g = new Grabbed();
        try
        {
            // Profile.Parse has validated the profile already (pprof checks it again here).
            var (p, remote) = Fetch(addr, s);
            LocateBinaries(p, s);
            g.Profile = p;
            g.Remote = remote;
        }
        catch (PprofException e)
        {
            g.Error = e.Message;
        }
        catch (ProfileFormatException e)
        {
            g.Error = e.Message;
        }
        return g;
    }

    /// <summary>Adds the fake mapping pprof adds to profiles without any, and applies the binary and build id overrides.</summary>
    private static void LocateBinaries(Profile p, ProfileSource s)
    {
        if (p.Mappings.Count == 0)
        {
            var m = new Mapping { Id = 1 };
            p.Mappings.Add(m);
            foreach (var l in p.Locations) l.Mapping = m;
        }
        if (s.ExecName.Length > 0 || s.BuildId.Length > 0)
        {
            var m = p.Mappings[0];
            if (s.ExecName.Length > 0) m.File = s.ExecName;
            if (s.BuildId.Length > 0) m.BuildId = s.BuildId;
        }
    }

    /// <summary>Clears mapping files that are URLs (pprof's unsourceMappings).</summary>
    private static void UnsourceMappings(Profile p)
    {
        foreach (var m in p.Mappings)
        {
            if (m.BuildId.Length == 0 && HasUrlScheme(m.File)) m.File = "";
        }
    }

    private static bool HasUrlScheme(string s)
    {
        int colon = s.IndexOf(':');
        if (colon <= 0 || !char.IsAsciiLetter(s[0])) return false;
        for (int i = 1; i < colon; i++)
        {
            char c = s[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')) return false;
        }
        return true;
    }

    private (Profile Profile, bool Remote) Fetch(string source, ProfileSource s)
    {
        var (url, timeoutSeconds) = AdjustUrl(source, s.Seconds, s.Timeout);
        if (url != null)
        {
            _ui.PrintErr("Fetching profile over HTTP from " + url);
            if (s.Seconds > 0) _ui.PrintErr($"Please wait... ({GoDuration(s.Seconds)})");
            return (FetchUrl(url, timeoutSeconds, s), true);
        }
        return (ReadFile(source), false);
    }

    private Profile ReadFile(string path)
    {
        FileStream f;
        try
        {
            f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException)
        {
            throw new PprofException($"open {path}: no such file or directory");
        }
        catch (DirectoryNotFoundException)
        {
            throw new PprofException($"open {path}: no such file or directory");
        }
        catch (UnauthorizedAccessException)
        {
            throw new PprofException(Directory.Exists(path) ? $"read {path}: is a directory" : $"open {path}: permission denied");
        }
        catch (IOException e)
        {
            throw new PprofException($"open {path}: {e.Message}");
        }
        using (f)
        {
            try
            {
                Gc.BeforeDecode(f);
                bool decoded = false;
                try
                {
                    var p = Profile.Parse(f);
                    decoded = true;
                    return p;
                }
                finally
                {
                    Gc.AfterDecode(decoded);
                }
            }
            catch (IOException e)
            {
                throw new PprofException($"read {path}: {(Directory.Exists(path) ? "is a directory" : e.Message)}");
            }
            catch (UnauthorizedAccessException)
            {
                throw new PprofException($"read {path}: is a directory");
            }
        }
    }

    private Profile FetchUrl(string url, double timeoutSeconds, ProfileSource s)
    {
        string requestUrl = url;
        bool insecure = false;
        if (requestUrl.StartsWith("https+insecure://", StringComparison.OrdinalIgnoreCase))
        {
            insecure = true;
            requestUrl = "https://" + requestUrl["https+insecure://".Length..];
        }
        var handler = Handler ?? new SocketsHttpHandler { UseProxy = true, SslOptions = Tls.ClientOptions(s, insecure) };
        using var client = new HttpClient(handler, disposeHandler: Handler == null)
        {
            Timeout = TimeSpan.FromSeconds(timeoutSeconds + 5),
        };
        try
        {
            using var resp = client.GetAsync(requestUrl, HttpCompletionOption.ResponseContentRead).GetAwaiter().GetResult();
            if (resp.StatusCode != HttpStatusCode.OK)
            {
                throw new PprofException(StatusCodeError(resp));
            }
            using var body = resp.Content.ReadAsStream();
            return Profile.Parse(body);
        }
        catch (TaskCanceledException)
        {
            throw new PprofException($"Get \"{url}\": net/http: timeout awaiting response headers (after {GoFormat.G(timeoutSeconds + 5)}s)");
        }
        catch (HttpRequestException e)
        {
            throw new PprofException($"Get \"{url}\": {DescribeHttpError(e, requestUrl)}");
        }
    }

    private static string StatusCodeError(HttpResponseMessage resp)
    {
        string status = ((int)resp.StatusCode).ToString(CultureInfo.InvariantCulture) + " " +
            (resp.ReasonPhrase is { Length: > 0 } r ? r : ReasonPhrase(resp.StatusCode));
        bool fromPprof = resp.Headers.Contains("X-Go-Pprof");
        string? contentType = resp.Content.Headers.ContentType?.ToString();
        if (fromPprof && contentType != null && contentType.Contains("text/plain", StringComparison.Ordinal))
        {
            try
            {
                string body = resp.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                // One line: the server's message with its trailing newline removed and inner line breaks joined.
                body = body.TrimEnd('\n', '\r').Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ');
                return $"server response: {status} - {body}";
            }
            catch (HttpRequestException)
            {
            }
        }
        return "server response: " + status;
    }

    private static string ReasonPhrase(HttpStatusCode code) => code switch
    {
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        HttpStatusCode.ServiceUnavailable => "Service Unavailable",
        _ => code.ToString(),
    };

    private static string DescribeHttpError(HttpRequestException e, string url)
    {
        Uri.TryCreate(url, UriKind.Absolute, out var uri);
        string host = uri == null ? "" : uri.IdnHost + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        for (Exception? x = e; x != null; x = x.InnerException)
        {
            if (x is SocketException se)
            {
                return se.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => $"dial tcp {host}: connect: connection refused",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"dial tcp: lookup {uri?.IdnHost}: no such host",
                    SocketError.NetworkUnreachable => $"dial tcp {host}: connect: network is unreachable",
                    SocketError.TimedOut => $"dial tcp {host}: i/o timeout",
                    SocketError.ConnectionReset => $"read tcp {host}: connection reset by peer",
                    _ => $"dial tcp {host}: {se.Message}",
                };
            }
        }
        for (Exception? x = e; x != null; x = x.InnerException)
        {
            // Go's crypto/x509 wording for a server certificate that does not chain to a trusted root.
            if (x is System.Security.Authentication.AuthenticationException &&
                (x.Message.Contains("UntrustedRoot", StringComparison.Ordinal) || x.Message.Contains("PartialChain", StringComparison.Ordinal)))
            {
                return "x509: certificate signed by unknown authority";
            }
        }
        string msg = e.Message;
        if (e.InnerException != null && e.InnerException.Message.Length > 0) msg += " (" + e.InnerException.Message + ")";
        return msg.Replace('\n', ' ').Replace("\r", "", StringComparison.Ordinal);
    }

    /// <summary>Go's time.Duration text for whole seconds (e.g. <c>30s</c>, <c>1m30s</c>, <c>1h0m0s</c>).</summary>
    internal static string GoDuration(long seconds)
    {
        if (seconds == 0) return "0s";
        long h = seconds / 3600, m = seconds % 3600 / 60, sec = seconds % 60;
        if (h > 0) return $"{h}h{m}m{sec}s";
        if (m > 0) return $"{m}m{sec}s";
        return $"{sec}s";
    }

    /// <summary>Recognises a URL source and applies pprof's adjustments: <c>http://</c> is added to a bare
    /// <c>host:port</c>, an empty path becomes <c>/debug/pprof/profile</c>, <c>seconds=</c> is set from
    /// <paramref name="seconds"/>. Returns null for a source that is not a URL, and the timeout to use.</summary>
    internal static (string? Url, double TimeoutSeconds) AdjustUrl(string source, int seconds, int timeout)
    {
        var u = GoUrl.Parse(source);
        if (u == null || (u.Host.Length == 0 && u.Scheme.Length > 0 && u.Scheme != "file"))
        {
            u = GoUrl.Parse("http://" + source);
        }
        if (u == null || u.Host.Length == 0) return (null, 0);

        if (u.Path.Length == 0 || u.Path == "/") u.Path = "/debug/pprof/profile";

        int duration = seconds;
        if (seconds > 0)
        {
            u.SetQuery("seconds", seconds.ToString(CultureInfo.InvariantCulture));
        }
        else if (u.GetQuery("seconds") is { Length: > 0 } us && int.TryParse(us, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v))
        {
            duration = v;
        }
        double t = timeout;
        if (timeout <= 0) t = duration > 0 ? duration * 1.5 : 60;
        return (u.ToString(), t);
    }
}
