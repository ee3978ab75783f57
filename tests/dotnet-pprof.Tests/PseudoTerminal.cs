using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Pprof.Cli.Tests;

/// <summary>A program running on a Linux pseudo-terminal: its standard input, output and error are the terminal, as
/// in an interactive session; the test types into the terminal and reads what it shows.</summary>
internal sealed class PseudoTerminal : IDisposable
{
    private const int ORdWr = 2;
    private const int ONoCtty = 0x100;

    private readonly SafeFileHandle _master;
    private readonly FileStream _stream;
    private readonly Process _process;
    private readonly StringBuilder _screen = new();
    private readonly Task _reader;

    /// <summary>Starts <paramref name="program"/> with <paramref name="args"/> on a new pseudo-terminal.</summary>
    public PseudoTerminal(string program, IEnumerable<string> args, IDictionary<string, string> env)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("pseudo-terminal tests run on Linux");
        int fd = PosixOpenpt(ORdWr | ONoCtty);
        if (fd < 0) throw new IOException("posix_openpt failed: errno " + Marshal.GetLastPInvokeError());
        _master = new SafeFileHandle(fd, ownsHandle: true);
        if (Grantpt(fd) != 0 || Unlockpt(fd) != 0) throw new IOException("grantpt/unlockpt failed: errno " + Marshal.GetLastPInvokeError());
        var name = new byte[128];
        if (PtsnameR(fd, name, name.Length) != 0) throw new IOException("ptsname_r failed");
        string slave = Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));

        // The shell opens the terminal as the program's standard input, output and error, then becomes the program.
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$@\" <\"$PPROF_TEST_TTY\" >\"$PPROF_TEST_TTY\" 2>&1");
        psi.ArgumentList.Add(program);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PPROF_TEST_TTY"] = slave;
        foreach (var (k, v) in env) psi.Environment[k] = v;
        _stream = new FileStream(_master, FileAccess.ReadWrite, bufferSize: 0);
        _process = Process.Start(psi)!;
        _reader = Task.Run(ReadLoop);
    }

    /// <summary>Everything the terminal has shown so far, carriage returns removed.</summary>
    public string Screen
    {
        get
        {
            lock (_screen) return _screen.ToString().Replace("\r", "", StringComparison.Ordinal);
        }
    }

    /// <summary>Types <paramref name="keys"/> (text and control sequences) into the terminal.</summary>
    public void Type(string keys)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(keys);
        _stream.Write(bytes);
        _stream.Flush();
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the screen; fails with the screen after the timeout.</summary>
    public void WaitFor(Func<string, bool> condition, string what, int timeoutMs = 60_000)
    {
        var sw = Stopwatch.StartNew();
        while (!condition(Screen))
        {
            if (sw.ElapsedMilliseconds > timeoutMs) Assert.Fail($"timed out waiting for {what}; the terminal shows:\n{Screen}");
            if (_process.HasExited && !condition(Screen)) Assert.Fail($"the program exited ({_process.ExitCode}) before {what}; the terminal shows:\n{Screen}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Waits for the program to exit and returns its exit code.</summary>
    public int WaitForExit(int timeoutMs = 60_000)
    {
        if (!_process.WaitForExit(timeoutMs)) Assert.Fail("the program did not exit; the terminal shows:\n" + Screen);
        return _process.ExitCode;
    }

    private void ReadLoop()
    {
        var buffer = new byte[4096];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[4096];
        while (true)
        {
            int n;
            try
            {
                n = _stream.Read(buffer);
            }
            catch (IOException)
            {
                return; // EIO: the program closed the terminal.
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            if (n == 0) return;
            int c = decoder.GetChars(buffer, 0, n, chars, 0);
            lock (_screen) _screen.Append(chars, 0, c);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _stream.Dispose();
        _reader.Wait(TimeSpan.FromSeconds(5));
    }

    [DllImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    private static extern int PosixOpenpt(int flags);

    [DllImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    private static extern int Grantpt(int fd);

    [DllImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    private static extern int Unlockpt(int fd);

    [DllImport("libc", EntryPoint = "ptsname_r", SetLastError = true)]
    private static extern int PtsnameR(int fd, byte[] buf, nint buflen);
}
