using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using Pprof.Runtime;

namespace Pprof.AspNetCore.Internal;

/// <summary>Go's symbol protocol: <c>num_symbols: 1</c>, then <c>0xADDR name</c> for every address (read from the
/// POST body, or the query of a GET, separated by '+') that lies in a jitted method's code. As Go's handler, it reads
/// the addresses as a stream, one at a time, so that memory does not grow with the body; an address longer than
/// <see cref="MaxAddressBytes"/> ends the answer with a <c>reading request:</c> line, as Go's buffered reader does.
/// Lines are sent as they are found.</summary>
internal sealed class SymbolEndpoint
{
    /// <summary>Longest address accepted (Go's bufio buffer).</summary>
    internal const int MaxAddressBytes = 4096;

    /// <summary>Output is sent once this much is buffered.</summary>
    private const int FlushBytes = 16 * 1024;

    private static readonly byte[] s_header = "num_symbols: 1\n"u8.ToArray();

    private static readonly string s_tooLong = string.Create(CultureInfo.InvariantCulture, $"reading request: an address is longer than {MaxAddressBytes} bytes");

    private readonly EndpointGuard _guard;
    private readonly SemaphoreSlim _symbolsLock = new(1, 1);
    private MethodSymbols? _symbols;

    public SymbolEndpoint(EndpointGuard guard) => _guard = guard;

    /// <summary>How long a symbol table is trusted before an unknown address makes it reload.</summary>
    internal static TimeSpan SymbolRefresh { get; set; } = TimeSpan.FromSeconds(5);

    public Task Symbol(HttpContext context) => _guard.Serve(context, "symbol", () => ServeSymbol(context));

    private async Task ServeSymbol(HttpContext context)
    {
        var request = context.Request;
        var ct = context.RequestAborted;
        var input = HttpMethods.IsPost(request.Method)
            ? request.BodyReader
            : PipeReader.Create(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(request.QueryString.HasValue ? request.QueryString.Value![1..] : "")));
        var response = context.Response;
        response.ContentType = "text/plain; charset=utf-8";
        var output = new SymbolOutput(response.BodyWriter);
        MethodSymbols? table = null;
        bool reloaded = false;
        string? problem = null;
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(ct);
                var buffer = read.Buffer;
                while (problem == null)
                {
                    ReadOnlySequence<byte> word;
                    if (buffer.PositionOf((byte)'+') is SequencePosition plus)
                    {
                        word = buffer.Slice(0, plus);
                        buffer = buffer.Slice(buffer.GetPosition(1, plus));
                    }
                    else if (read.IsCompleted && !buffer.IsEmpty)
                    {
                        // The last address ends with the body.
                        word = buffer;
                        buffer = buffer.Slice(buffer.End);
                    }
                    else
                    {
                        if (buffer.Length > MaxAddressBytes) problem = s_tooLong;
                        break;
                    }
                    if (word.Length > MaxAddressBytes)
                    {
                        problem = s_tooLong;
                        break;
                    }
                    if (!TryParseAddress(word, out ulong address) || address == 0) continue;
                    table ??= await Symbols(null, ct);
                    string? name = table.Lookup(address);
                    if (name == null && !reloaded && DateTime.UtcNow - table.Loaded > SymbolRefresh)
                    {
                        // Methods are jitted all the time: one reload per request for an address the table does not know.
                        reloaded = true;
                        table = await Reload(table, ct);
                        name = table.Lookup(address);
                    }
                    if (name != null && output.Add(address, name)) await output.FlushAsync(ct);
                }
                if (problem != null || read.IsCompleted)
                {
                    // After a problem the rest of the body is read and dropped, so that the client, still sending, gets
                    // the answer (the server's body size limit and timeouts bound this).
                    input.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted) break;
                    continue;
                }
                input.AdvanceTo(buffer.Start, read.Buffer.End);
            }
        }
        catch (ProfilerException e)
        {
            // Only the first load gets here, before anything was written.
            await PprofResponses.ServeError(context, StatusCodes.Status500InternalServerError, $"Could not read the method table: {e.Message}");
            return;
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's limits (body size, rate): before anything was written, its status; after, a line as Go writes.
            if (output.Empty)
            {
                await PprofResponses.ServeError(context, e.StatusCode, $"reading request: {e.Message}");
                return;
            }
            problem = $"reading request: {e.Message}";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            if (!HttpMethods.IsPost(request.Method)) await input.CompleteAsync();
        }
        try
        {
            output.End(problem);
            await output.FlushAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>A newer table than <paramref name="stale"/>; the stale one when reading fails (lines may already have
    /// been sent, so the answer goes on with what is known).</summary>
    private async Task<MethodSymbols> Reload(MethodSymbols stale, CancellationToken ct)
    {
        try
        {
            return await Symbols(stale, ct);
        }
        catch (ProfilerException)
        {
            return stale;
        }
    }

    /// <summary>The cached method table, reloaded when there is none or it is still <paramref name="stale"/> (another
    /// request may have reloaded it meanwhile).</summary>
    private async Task<MethodSymbols> Symbols(MethodSymbols? stale, CancellationToken ct)
    {
        await _symbolsLock.WaitAsync(ct);
        try
        {
            if (_symbols == null || _symbols == stale) _symbols = await Task.Run(() => MethodSymbols.Load(ct), ct);
            return _symbols;
        }
        finally
        {
            _symbolsLock.Release();
        }
    }

    /// <summary>Go's <c>strconv.ParseUint(word, 0, 64)</c> for addresses: <c>0x</c> hex, <c>0o</c> or a leading 0
    /// octal, <c>0b</c> binary, otherwise decimal; surrounding ASCII white space is ignored (a trailing newline from
    /// curl). False for anything else, an overflow or a word longer than <see cref="MaxAddressBytes"/>.</summary>
    internal static bool TryParseAddress(ReadOnlySequence<byte> word, out ulong address)
    {
        address = 0;
        if (word.Length > MaxAddressBytes) return false;
        if (word.IsSingleSegment) return TryParseAddress(word.FirstSpan, out address);
        Span<byte> copy = stackalloc byte[(int)word.Length];
        word.CopyTo(copy);
        return TryParseAddress(copy, out address);
    }

    internal static bool TryParseAddress(ReadOnlySpan<byte> word, out ulong address)
    {
        address = 0;
        var w = word.Trim(" \t\r\n"u8);
        int radix = 10;
        if (w.Length > 2 && w[0] == '0' && (w[1] | 0x20) is (byte)'x' or (byte)'o' or (byte)'b')
        {
            radix = (w[1] | 0x20) switch { 'x' => 16, 'o' => 8, _ => 2 };
            w = w[2..];
        }
        else if (w.Length > 1 && w[0] == '0')
        {
            radix = 8;
            w = w[1..];
        }
        if (w.IsEmpty) return false;
        ulong value = 0;
        foreach (byte b in w)
        {
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix || value > (ulong.MaxValue - (ulong)digit) / (ulong)radix) return false;
            value = value * (ulong)radix + (ulong)digit;
        }
        address = value;
        return true;
    }

    /// <summary>The answer, written to the response's pipe: the header before the first line (so that an error
    /// before it can still be answered with its status), one line per address found.</summary>
    private sealed class SymbolOutput
    {
        private readonly PipeWriter _writer;
        private bool _started;
        private int _unflushed;

        public SymbolOutput(PipeWriter writer) => _writer = writer;

        /// <summary>No line was written yet.</summary>
        public bool Empty => !_started;

        /// <summary>Adds <c>0xADDR name</c>; true when enough is buffered to send.</summary>
        public bool Add(ulong address, string name)
        {
            Start();
            var span = _writer.GetSpan(2 + 16 + 1 + Encoding.UTF8.GetMaxByteCount(name.Length) + 1);
            "0x"u8.CopyTo(span);
            address.TryFormat(span[2..], out int n, "x", CultureInfo.InvariantCulture);
            int at = 2 + n;
            span[at++] = (byte)' ';
            at += Encoding.UTF8.GetBytes(name, span[at..]);
            span[at++] = (byte)'\n';
            _writer.Advance(at);
            _unflushed += at;
            return _unflushed >= FlushBytes;
        }

        /// <summary>Ends the answer, with <paramref name="problem"/> as its last line when there is one.</summary>
        public void End(string? problem)
        {
            Start();
            if (problem != null) _writer.Write(Encoding.UTF8.GetBytes(problem + "\n"));
        }

        public async ValueTask FlushAsync(CancellationToken ct)
        {
            _unflushed = 0;
            await _writer.FlushAsync(ct);
        }

        private void Start()
        {
            if (_started) return;
            _started = true;
            _writer.Write(s_header);
            _unflushed += s_header.Length;
        }
    }
}
