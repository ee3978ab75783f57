namespace Pprof.AspNetCore;

/// <summary>Settings of the <c>/debug/pprof</c> endpoints (<see cref="PprofServiceCollectionExtensions.AddPprof"/>).
/// The defaults are safe: only loopback clients are served, a collection lasts at most five minutes, and at most
/// <see cref="ConcurrencyLimit"/> requests run per endpoint (one for the retention snapshot).</summary>
public sealed class PprofOptions
{
    /// <summary>Serve clients that are not on loopback. Off by default: the endpoints show the application's code,
    /// command line and memory, and cost CPU. Prefer <c>MapPprof(...).RequireAuthorization(...)</c>, which also lifts
    /// the loopback rule, or <see cref="Port"/> with a port that is not exposed.</summary>
    public bool AllowRemoteClients { get; set; }

    /// <summary>A port of their own for the endpoints: when set, they answer only requests that arrived on this port
    /// (404 elsewhere), and the server also listens on <c>http://localhost:{Port}</c> (added to the server's addresses
    /// when the application binds with URLs: <c>ASPNETCORE_URLS</c>, <c>--urls</c>, <c>app.Urls</c>; an application that
    /// calls Kestrel's <c>Listen</c> itself must add a loopback listener on this port). Null (the default): the
    /// endpoints answer on every port.</summary>
    public int? Port { get; set; }

    /// <summary>Longest collection a client may ask for with <c>seconds</c> (profile, wall, trace and delta profiles);
    /// longer requests get 400. Default 5 minutes.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Requests served at the same time by each endpoint; more get 429. The retention snapshot pauses the
    /// application and always runs one at a time. Default 2.</summary>
    public int ConcurrencyLimit { get; set; } = 2;

    /// <summary>Switch the heap profile on at start-up (<c>/debug/pprof/heap</c>: live and allocated bytes by allocation
    /// site, from allocation sampling plus following each sampled object through the garbage collections), as Go's
    /// heap profile is. Default false: its cost grows with the allocation rate, about 50 % of a core per GB/s allocated
    /// (docs/heap.md); the endpoint then says how to switch it on.</summary>
    public bool HeapProfiling { get; set; }

    /// <summary>Switch the allocs profile on at start (allocation sampling, one sample per 100 KiB allocated on
    /// average, like Go's default MemProfileRate). Default true.</summary>
    public bool AllocationSampling { get; set; } = true;

    /// <summary>Switch the threadcreate profile on at start (one event per created thread, as Go always records).
    /// Default true.</summary>
    public bool ThreadCreateProfiling { get; set; } = true;

    /// <summary>Switch the exceptions profile on at start (one event per thrown exception, small next to the cost of
    /// throwing). Default true.</summary>
    public bool ExceptionProfiling { get; set; } = true;

    /// <summary>Mutex profile fraction set at start (<c>Profiler.SetMutexProfileFraction</c>): 0, the default as in Go,
    /// leaves it off; <c>mutex?seconds=N</c> still collects a profile of its own for N seconds.</summary>
    public int MutexProfileFraction { get; set; }

    /// <summary>Block profile rate set at start (<c>Profiler.SetBlockProfileRate</c>): 0, the default as in Go, leaves it
    /// off (it runs the thread sampler continuously); <c>block?seconds=N</c> still collects for N seconds.</summary>
    public int BlockProfileRate { get; set; }
}
