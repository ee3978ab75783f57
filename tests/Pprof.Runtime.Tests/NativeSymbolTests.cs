using System.Runtime.InteropServices;
using Pprof.Runtime.OnCpu;

namespace Pprof.Runtime.Tests;

/// <summary>The on-CPU profile's native symbolization: /proc/PID/maps and the bounded ELF symbol reader, against this
/// process's own libc and runtime, and against hostile files.</summary>
public sealed class NativeSymbolTests
{
    [Theory]
    [InlineData("libc.so.6", "getpid")]
    [InlineData("libc.so.6", "malloc")]
    [InlineData("libcoreclr.so", "coreclr_initialize")]
    public void AnExportedFunctionIsNamedFromItsAddressInThisProcess(string library, string function)
    {
        string path = library == "libcoreclr.so" ? Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, library) : library;
        nint handle = NativeLibrary.Load(path);
        ulong address = (ulong)NativeLibrary.GetExport(handle, function);
        var maps = new ProcMaps();
        Assert.True(maps.Read(Environment.ProcessId));
        var region = maps.Find(address + 1);
        Assert.NotNull(region);
        Assert.EndsWith(library, region!.Path, StringComparison.Ordinal);
        var symbols = ElfSymbols.Load(region.Path);
        Assert.NotNull(symbols);
        // A few bytes into the function: the containing symbol (libc may name an alias such as __getpid or __libc_malloc).
        string? name = symbols!.FunctionAt(address + 1 - region.Start + region.Offset, out ulong offset);
        Assert.NotNull(name);
        Assert.Contains(function, name!, StringComparison.Ordinal);
        Assert.Equal(1UL, offset);
        // Native frames name their module and keep the address.
        var frame = new NativeFrames(maps).FrameOf(address + 1, leaf: true);
        Assert.Equal(region.Path, frame.Mapping);
        Assert.Equal(address + 1, frame.Address);
        Assert.Contains(function, frame.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileFilesAreRejectedNotTrusted()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pprof-elf-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var random = new Random(14);
            var inputs = new List<byte[]> { Array.Empty<byte>(), "\x7f"u8.ToArray(), "not an elf file at all"u8.ToArray() };
            // A valid header whose tables point far past the end of the file, with absurd counts.
            var header = new byte[64];
            "\x7fELF"u8.CopyTo(header);
            header[4] = 2;
            header[5] = 1;
            BitConverter.GetBytes(ulong.MaxValue - 10).CopyTo(header, 32);
            BitConverter.GetBytes(1000UL).CopyTo(header, 40);
            BitConverter.GetBytes((ushort)56).CopyTo(header, 54);
            BitConverter.GetBytes((ushort)65535).CopyTo(header, 56);
            BitConverter.GetBytes((ushort)64).CopyTo(header, 58);
            BitConverter.GetBytes((ushort)4000).CopyTo(header, 60);
            inputs.Add(header);
            // Real libc with its section headers and symbol tables scrambled.
            var libc = File.ReadAllBytes(new ProcMaps() is var m && m.Read(Environment.ProcessId) ? FindLibc(m) : throw new InvalidOperationException());
            for (int i = 0; i < 20; i++)
            {
                var copy = (byte[])libc.Clone();
                for (int k = 0; k < 200; k++) copy[64 + random.Next(copy.Length - 64)] = (byte)random.Next(256);
                ulong shoff = BitConverter.ToUInt64(copy, 40);
                for (int k = 0; k < 64 && shoff + (ulong)k < (ulong)copy.Length; k++) copy[(int)shoff + k] = (byte)random.Next(256);
                inputs.Add(copy);
            }
            foreach (var (bytes, i) in inputs.Select((b, i) => (b, i)))
            {
                string file = Path.Combine(dir, $"in{i}.so");
                File.WriteAllBytes(file, bytes);
                var symbols = ElfSymbols.Load(file);
                symbols?.FunctionAt(0x1000, out _);
                symbols?.FunctionAt(ulong.MaxValue, out _);
            }
            Assert.Null(ElfSymbols.Load(Path.Combine(dir, "missing.so")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string FindLibc(ProcMaps maps)
    {
        nint handle = NativeLibrary.Load("libc.so.6");
        ulong address = (ulong)NativeLibrary.GetExport(handle, "getpid");
        return maps.Find(address)!.Path;
    }
}
