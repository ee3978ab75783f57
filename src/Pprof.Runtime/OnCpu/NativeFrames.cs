using Pprof.Runtime.Internal;

namespace Pprof.Runtime.OnCpu;

/// <summary>Names the instruction pointers of an on-CPU sample that are not in managed code: the module from
/// <c>/proc/PID/maps</c> becomes the frame's mapping (its file path), and the function comes from the module's ELF
/// symbols (<c>.symtab</c>, <c>.dynsym</c>). Code without a symbol keeps its address and is named after its module
/// (<c>[libcoreclr.so]</c>: the runtime ships stripped of local symbols); anonymous executable memory that the runtime
/// did not report as a method (stubs, thunks) is <c>[unnamed jitted code]</c> in the <c>[jit]</c> mapping.</summary>
internal sealed class NativeFrames
{
    /// <summary>Most ELF files read for one profile.</summary>
    private const int MaxModules = 512;

    private readonly ProcMaps _maps;
    private readonly Dictionary<string, ElfSymbols?> _elf = new(StringComparer.Ordinal);
    private readonly Dictionary<(ulong, bool), Frame> _frames = new();

    public NativeFrames(ProcMaps maps) => _maps = maps;

    /// <summary>The frame of <paramref name="address"/> (a return address unless <paramref name="leaf"/>).</summary>
    public Frame FrameOf(ulong address, bool leaf)
    {
        var key = (address, leaf);
        if (_frames.TryGetValue(key, out var frame)) return frame;
        ulong lookup = leaf ? address : address - 1;
        var region = _maps.Find(lookup);
        if (region == null)
        {
            frame = new Frame("[unknown code]", "[unknown code]", "", "", 0, 0, address, "[unknown]");
        }
        else if (region.IsFile)
        {
            string module = Path.GetFileName(region.Path);
            string? symbol = Symbols(region.Path)?.FunctionAt(lookup - region.Start + region.Offset, out _);
            string name = symbol ?? "[" + module + "]";
            frame = new Frame(name, name, region.Path, "", 0, 0, address, region.Path);
        }
        else if (region.Path.StartsWith('[') && region.Path != "[heap]" && region.Path != "[stack]")
        {
            frame = new Frame(region.Path, region.Path, "", "", 0, 0, address, region.Path); // [vdso], [vsyscall]
        }
        else
        {
            const string unnamed = "[unnamed jitted code]";
            frame = new Frame(unnamed, unnamed, "", "", 0, 0, address, Frame.JitMapping);
        }
        _frames.Add(key, frame);
        return frame;
    }

    private ElfSymbols? Symbols(string path)
    {
        if (_elf.TryGetValue(path, out var symbols)) return symbols;
        symbols = _elf.Count < MaxModules ? ElfSymbols.Load(path) : null;
        _elf.Add(path, symbols);
        return symbols;
    }
}
