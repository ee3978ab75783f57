using System.Net;
using System.Text;
using Pprof.AspNetCore.Internal;
using Pprof.Runtime;

namespace Pprof.AspNetCore.Tests;

/// <summary>The symbol endpoint reads its addresses as a stream, as Go's handler does: a body near Kestrel's 30 MB limit
/// is answered correctly without the process allocating memory in proportion to it, and malformed bodies get an
/// answer (unparsable words are skipped, an over-long address ends the answer with a "reading request:" line).</summary>
[Collection(SerialCollection.Name)]
public sealed class SymbolTests : IClassFixture<AppFixture>
{
    private readonly TestApp _app;

    public SymbolTests(AppFixture fixture) => _app = fixture.App;

    private HttpClient Client => _app.Client;

    private static (ulong Start, ulong End, string Name) SpinHot()
    {
        Workload.SpinHot(TimeSpan.FromMilliseconds(1));
        return MethodSymbols.Load().Ranges.First(x => x.Name.EndsWith("Workload.SpinHot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LargeBodyIsStreamedInBoundedMemory()
    {
        var spin = SpinHot();
        // A known address first, in the middle and last; between them unknown addresses, zeros and words that are not
        // numbers: about 29 MB in all.
        const int bodySize = 29_000_000; // Kestrel's limit is 30,000,000
        var filler = Encoding.ASCII.GetBytes("0x10+0+zz+0x7+17+");
        byte[] known = Encoding.ASCII.GetBytes($"0x{spin.Start:x}+");
        var body = new byte[bodySize];
        int at = 0;
        void Put(byte[] bytes)
        {
            bytes.CopyTo(body, at);
            at += bytes.Length;
        }
        Put(known);
        while (at < bodySize / 2) Put(filler);
        Put(known);
        while (at < bodySize - filler.Length - known.Length) Put(filler);
        byte[] last = Encoding.ASCII.GetBytes($"0x{spin.End - 1:x}");
        Put(last);
        Array.Resize(ref body, at);
        string line = $"0x{spin.Start:x} {spin.Name}\n";
        string expected = $"num_symbols: 1\n{line}{line}0x{spin.End - 1:x} {spin.Name}\n";

        var refresh = SymbolEndpoint.SymbolRefresh;
        SymbolEndpoint.SymbolRefresh = TimeSpan.FromHours(1); // no table reload in the middle of the measurement
        try
        {
            // Loads the endpoint's table and warms the connection.
            using (var r = await Client.PostAsync("/debug/pprof/symbol", new StringContent($"0x{spin.Start:x}")))
                Assert.Equal($"num_symbols: 1\n{line}", await r.Content.ReadAsStringAsync());
            var figures = new List<long>();
            for (int i = 0; i < 3; i++)
            {
                long before = GC.GetTotalAllocatedBytes(precise: true);
                using var r = await Client.PostAsync("/debug/pprof/symbol", new ByteArrayContent(body));
                string answer = await r.Content.ReadAsStringAsync();
                long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal(expected, answer);
                figures.Add(allocated);
            }
            // Reading the body into a string and splitting it allocates several times its size on every request;
            // streaming allocates next to nothing per address. The median of three keeps one request that shares its
            // window with the runtime's own work (tiering, a timer) from deciding.
            figures.Sort();
            Assert.True(figures[1] < body.Length / 8,
                $"allocated {string.Join(", ", figures)} bytes for a {body.Length}-byte body");
        }
        finally
        {
            SymbolEndpoint.SymbolRefresh = refresh;
        }
    }

    [Fact]
    public async Task MalformedBodiesGetAnAnswer()
    {
        var spin = SpinHot();
        string line = $"0x{spin.Start:x} {spin.Name}\n";

        // Words that are not addresses are skipped, as Go's handler skips what strconv.ParseUint rejects.
        using (var r = await Client.PostAsync("/debug/pprof/symbol", new StringContent($"++x+0x+-1+0x{spin.Start:x}+99999999999999999999999+\n")))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal($"num_symbols: 1\n{line}", await r.Content.ReadAsStringAsync());
        }

        // An address longer than the reader's buffer ends the answer (Go's "bufio: buffer full").
        string tooLong = "reading request: an address is longer than 4096 bytes\n";
        using (var r = await Client.PostAsync("/debug/pprof/symbol", new StringContent($"0x{spin.Start:x}+{new string('1', 5000)}+0x{spin.Start:x}")))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal($"num_symbols: 1\n{line}{tooLong}", await r.Content.ReadAsStringAsync());
        }

        // 10 MB without a separator: answered as soon as the buffer is full, not after reading it all.
        using (var r = await Client.PostAsync("/debug/pprof/symbol", new ByteArrayContent(Enumerable.Repeat((byte)'7', 10 << 20).ToArray())))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal($"num_symbols: 1\n{tooLong}", await r.Content.ReadAsStringAsync());
        }

        // The query of a GET is read the same way.
        using (var r = await Client.GetAsync($"/debug/pprof/symbol?zz+0x{spin.Start:x}+%00"))
            Assert.Equal($"num_symbols: 1\n{line}", await r.Content.ReadAsStringAsync());

        // Over Kestrel's body limit: 413 before anything was answered.
        var huge = new HttpRequestMessage(HttpMethod.Post, "/debug/pprof/symbol") { Content = new ByteArrayContent(new byte[31_000_000]) };
        huge.Headers.ExpectContinue = true; // the client waits for the verdict instead of sending into a closed connection
        using (var r = await Client.SendAsync(huge))
            await Http.AssertGoError(r, HttpStatusCode.RequestEntityTooLarge, "reading request: Request body too large. The max request body size is 30000000 bytes.");

        // The endpoint still answers.
        using (var r = await Client.GetAsync($"/debug/pprof/symbol?0x{spin.Start:x}"))
            Assert.Equal($"num_symbols: 1\n{line}", await r.Content.ReadAsStringAsync());
    }
}
