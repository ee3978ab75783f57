using System.Buffers.Binary;
using System.Text;

namespace Pprof.Runtime.OnCpu;

/// <summary>The function symbols of one ELF64 little-endian file (<c>.symtab</c> when present, and <c>.dynsym</c>),
/// read with bounds: at most <see cref="MaxSymbolBytes"/> of symbol tables and <see cref="MaxStringBytes"/> of names,
/// every offset checked against the file. Maps a file offset of code to the function that contains it.</summary>
internal sealed class ElfSymbols
{
    public const long MaxSymbolBytes = 64L << 20;
    public const long MaxStringBytes = 64L << 20;
    private const int MaxSections = 4096;
    private const int MaxSegments = 256;

    private readonly ulong[] _starts;
    private readonly ulong[] _sizes;
    private readonly int[] _names;
    private readonly byte[][] _strings;
    private readonly (ulong Offset, ulong Vaddr, ulong FileSize)[] _loads;

    private ElfSymbols(ulong[] starts, ulong[] sizes, int[] names, byte[][] strings, (ulong, ulong, ulong)[] loads)
    {
        _starts = starts;
        _sizes = sizes;
        _names = names;
        _strings = strings;
        _loads = loads;
    }

    /// <summary>Number of function symbols.</summary>
    public int Count => _starts.Length;

    /// <summary>Reads the symbols of <paramref name="path"/>; null when it is not a readable ELF64 little-endian file.</summary>
    public static ElfSymbols? Load(string path)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
            return Read(f);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static ElfSymbols? Read(FileStream f)
    {
        long length = f.Length;
        var eh = ReadAt(f, 0, 64);
        if (eh == null || eh[0] != 0x7f || eh[1] != (byte)'E' || eh[2] != (byte)'L' || eh[3] != (byte)'F' || eh[4] != 2 || eh[5] != 1) return null;
        ulong phoff = U64(eh, 32), shoff = U64(eh, 40);
        int phentsize = U16(eh, 54), phnum = U16(eh, 56), shentsize = U16(eh, 58), shnum = U16(eh, 60);
        var loads = new List<(ulong, ulong, ulong)>();
        if (phentsize >= 56 && phnum <= MaxSegments && phoff < (ulong)length)
        {
            var ph = ReadAt(f, (long)phoff, phnum * phentsize);
            for (int i = 0; ph != null && i < phnum; i++)
            {
                int o = i * phentsize;
                if (U32(ph, o) != 1 /* PT_LOAD */) continue;
                loads.Add((U64(ph, o + 8), U64(ph, o + 16), U64(ph, o + 32)));
            }
        }
        if (shentsize < 64 || shnum == 0 || shnum > MaxSections || shoff >= (ulong)length) return null;
        var sh = ReadAt(f, (long)shoff, shnum * shentsize);
        if (sh == null) return null;
        var starts = new List<ulong>();
        var sizes = new List<ulong>();
        var names = new List<int>();
        var strings = new List<byte[]>();
        long symBudget = MaxSymbolBytes, strBudget = MaxStringBytes;
        // .symtab (SHT_SYMTAB 2) first: it holds the local functions that .dynsym (SHT_DYNSYM 11) leaves out.
        foreach (uint wanted in new uint[] { 2, 11 })
        {
            for (int i = 0; i < shnum; i++)
            {
                int o = i * shentsize;
                if (U32(sh, o + 4) != wanted) continue;
                if (strings.Count >= 16) break; // names are packed as (table << 26 | offset)
                ulong off = U64(sh, o + 24), size = U64(sh, o + 32), entsize = U64(sh, o + 56);
                uint link = U32(sh, o + 40);
                if (entsize < 24 || size > (ulong)symBudget || off + size > (ulong)length || link >= shnum) continue;
                int lo = (int)link * shentsize;
                ulong stroff = U64(sh, lo + 24), strsize = U64(sh, lo + 32);
                if (strsize > (ulong)strBudget || stroff + strsize > (ulong)length) continue;
                var syms = ReadAt(f, (long)off, (int)size);
                var strs = ReadAt(f, (long)stroff, (int)strsize);
                if (syms == null || strs == null) continue;
                symBudget -= (long)size;
                strBudget -= (long)strsize;
                int table = strings.Count;
                strings.Add(strs);
                for (long s = 0; s + 24 <= (long)size; s += (long)entsize)
                {
                    int so = (int)s;
                    byte info = syms[so + 4];
                    ushort shndx = U16(syms, so + 6);
                    ulong value = U64(syms, so + 8), symSize = U64(syms, so + 16);
                    if ((info & 0xf) != 2 /* STT_FUNC */ || shndx == 0 || value == 0) continue;
                    uint name = U32(syms, so);
                    if (name >= strs.Length) continue;
                    starts.Add(value);
                    sizes.Add(symSize);
                    names.Add((table << 26) | (int)Math.Min(name, (1u << 26) - 1));
                }
            }
        }
        var startArr = starts.ToArray();
        var index = Enumerable.Range(0, startArr.Length).ToArray();
        Array.Sort(startArr, index);
        return new ElfSymbols(startArr, index.Select(i => sizes[i]).ToArray(), index.Select(i => names[i]).ToArray(), strings.ToArray(), loads.ToArray());
    }

    /// <summary>The function containing the code at <paramref name="fileOffset"/> of the file (what /proc/PID/maps
    /// gives: address - mapping start + mapping offset), or null.</summary>
    public string? FunctionAt(ulong fileOffset, out ulong symbolOffset)
    {
        symbolOffset = 0;
        ulong vaddr = 0;
        bool found = false;
        foreach (var (offset, va, size) in _loads)
        {
            if (fileOffset >= offset && fileOffset - offset < size)
            {
                vaddr = va + (fileOffset - offset);
                found = true;
                break;
            }
        }
        if (!found) return null;
        int i = Array.BinarySearch(_starts, vaddr);
        if (i < 0) i = ~i - 1;
        // Several symbols may share a start (aliases); any of them that spans the address names it.
        for (int k = i; k >= 0 && k > i - 8; k--)
        {
            ulong start = _starts[k];
            if (vaddr < start) continue;
            ulong size = _sizes[k];
            if (vaddr - start < Math.Max(size, 1))
            {
                symbolOffset = vaddr - start;
                return Name(_names[k]);
            }
            if (k < i && _starts[k] != _starts[i]) break;
        }
        return null;
    }

    private string Name(int packed)
    {
        var table = _strings[packed >>> 26];
        int start = packed & ((1 << 26) - 1);
        int end = Array.IndexOf(table, (byte)0, start);
        if (end < 0) end = table.Length;
        return Encoding.UTF8.GetString(table, start, Math.Min(end - start, 4096));
    }

    private static byte[]? ReadAt(FileStream f, long offset, int count)
    {
        if (count < 0 || offset < 0 || offset + count > f.Length) return null;
        var buffer = new byte[count];
        f.Position = offset;
        f.ReadExactly(buffer);
        return buffer;
    }

    private static ushort U16(byte[] b, int o) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(o));
    private static uint U32(byte[] b, int o) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(o));
    private static ulong U64(byte[] b, int o) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(o));
}
