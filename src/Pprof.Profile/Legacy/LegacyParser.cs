using System.Text;

namespace Pprof.Profiles.Legacy;

/// <summary>Entry point for the legacy (non-proto) profile formats pprof reads: gperftools binary CPU profiles, heap,
/// growth and fragmentation text, Go count profiles, thread, contention and mutex text, and Java profiles.</summary>
internal static class LegacyParser
{
    /// <summary>Returns the parsed profile, or null when the data is in none of the legacy formats.
    /// Throws <see cref="ProfileFormatException"/> when the data is recognised but malformed.</summary>
    public static Profile? TryParse(byte[] data)
    {
        var p = CpuProfileParser.TryParse(data);
        if (p == null)
        {
            // The text formats: bytes map one to one onto chars, so offsets and regular expressions see exactly
            // the bytes Go's parsers see. Strings stored in the profile are decoded as UTF-8 (see Utf8).
            string text = Encoding.Latin1.GetString(data);
            p = HeapProfileParser.TryParse(text)
                ?? CountProfileParser.TryParse(text)
                ?? ThreadProfileParser.TryParse(text)
                ?? ContentionProfileParser.TryParse(text)
                ?? JavaProfileParser.TryParse(text);
        }
        if (p == null) return null;
        AddLegacyFrameInfo(p);
        return p;
    }

    /// <summary>Re-decodes a string read byte-per-char (Latin-1) as UTF-8, for names stored in the profile.</summary>
    internal static string Utf8(string latin1)
    {
        foreach (char c in latin1)
        {
            if (c >= 0x80) return Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(latin1));
        }
        return latin1;
    }

    /// <summary>True for blank lines and <c>#</c> comments.</summary>
    internal static bool IsSpaceOrComment(string line)
    {
        string t = TextFormat.TrimSpace(line);
        return t.Length == 0 || t[0] == '#';
    }

    /// <summary>True when the line announces the memory map section.</summary>
    internal static bool IsMemoryMapSentinel(string line) =>
        line.Contains("--- Memory map: ---", StringComparison.Ordinal) || line.Contains("MAPPED_LIBRARIES:", StringComparison.Ordinal);

    private static readonly string[][] s_heapzSampleTypes =
    {
        new[] { "allocations", "size" },
        new[] { "objects", "space" },
        new[] { "inuse_objects", "inuse_space" },
        new[] { "alloc_objects", "alloc_space" },
        new[] { "alloc_objects", "alloc_space", "inuse_objects", "inuse_space" },
    };

    private static readonly string[][] s_contentionzSampleTypes = { new[] { "contentions", "delay" } };

    internal const string AllocRx =
        @"calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|" +
        @"tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|tc_valloc|tc_realloc|" +
        @"tc_new|tc_delete|tc_newarray|tc_deletearray|tc_new_nothrow|tc_newarray_nothrow|" +
        @"malloc_zone_malloc|malloc_zone_calloc|malloc_zone_valloc|malloc_zone_realloc|malloc_zone_memalign|malloc_zone_free|" +
        @"runtime\..*|" +
        @"BaseArena::.*|(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|DoSampledAllocation|" +
        @"MallocedMemBlock::MallocedMemBlock|_M_allocate|__builtin_(vec_)?delete|__builtin_(vec_)?new|" +
        @"__gnu_cxx::new_allocator::allocate|__libc_malloc|__malloc_alloc_template::allocate|allocate|cpp_alloc|" +
        @"operator new(\[\])?|simple_alloc::allocate";

    internal const string AllocSkipRx = @"runtime\.panic|runtime\.reflectcall|runtime\.call[0-9]*";

    internal const string CpuProfilerRx = "ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore";

    internal const string LockRx =
        @"RecordLockProfileData|(base::)?RecordLockProfileData.*|(base::)?SubmitMutexProfileData.*|" +
        @"(base::)?SubmitSpinLockProfileData.*|(base::Mutex::)?AwaitCommon.*|(base::Mutex::)?Unlock.*|" +
        @"(base::Mutex::)?UnlockSlow.*|(base::Mutex::)?ReaderUnlock.*|(base::MutexLock::)?~MutexLock.*|" +
        @"(Mutex::)?AwaitCommon.*|(Mutex::)?Unlock.*|(Mutex::)?UnlockSlow.*|(Mutex::)?ReaderUnlock.*|" +
        @"(MutexLock::)?~MutexLock.*|(SpinLock::)?Unlock.*|(SpinLock::)?SlowUnlock.*|(SpinLockHolder::)?~SpinLockHolder.*";

    /// <summary>Sets the drop/keep frame expressions pprof gives each kind of legacy profile.</summary>
    private static void AddLegacyFrameInfo(Profile p)
    {
        if (IsProfileType(p, s_heapzSampleTypes))
        {
            p.DropFrames = AllocRx;
            p.KeepFrames = AllocSkipRx;
        }
        else if (IsProfileType(p, s_contentionzSampleTypes))
        {
            p.DropFrames = LockRx;
            p.KeepFrames = "";
        }
        else
        {
            p.DropFrames = CpuProfilerRx;
            p.KeepFrames = "";
        }
    }

    private static bool IsProfileType(Profile p, string[][] types)
    {
        foreach (var t in types)
        {
            if (t.Length != p.SampleTypes.Count) continue;
            bool ok = true;
            for (int i = 0; i < t.Length && ok; i++) ok = p.SampleTypes[i].Type == t[i];
            if (ok) return true;
        }
        return false;
    }
}
