using System.Globalization;
using Pprof.History;
using Pprof.Profiles;

// A second process writing to a profile store, for the store's concurrency and crash tests.
// Usage: Pprof.History.TestWriter STORE PROFILE.pb.gz SERVICE BATCHES PROFILES-PER-BATCH START-UNIX-SECONDS
// Writes BATCHES batches (one transaction each) of copies of PROFILE, 15 s apart from START, labelled pid=<this pid>,
// and prints "batch N" after each commit (the crash test kills the process while it writes).
if (args.Length != 6)
{
    Console.Error.WriteLine("usage: Pprof.History.TestWriter STORE PROFILE SERVICE BATCHES PROFILES-PER-BATCH START-UNIX-SECONDS");
    return 2;
}
string store = args[0];
Profile profile;
using (var f = File.OpenRead(args[1])) profile = Profile.Parse(f);
string service = args[2];
int batches = int.Parse(args[3], CultureInfo.InvariantCulture);
int perBatch = int.Parse(args[4], CultureInfo.InvariantCulture);
var start = DateTime.UnixEpoch.AddSeconds(long.Parse(args[5], CultureInfo.InvariantCulture));
var labels = new Dictionary<string, string> { ["pid"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture) };
using var s = ProfileStore.Open(store, new ProfileStoreOptions { MaintenanceInterval = TimeSpan.Zero });
Console.WriteLine("ready");
int n = 0;
for (int b = 0; b < batches; b++)
{
    var batch = new List<StoredProfile>(perBatch);
    for (int i = 0; i < perBatch; i++, n++) batch.Add(new StoredProfile(service, "cpu", labels, start.AddSeconds(15 * n), TimeSpan.FromSeconds(15), profile));
    s.Write(batch, Array.Empty<StatsPoint>());
    Console.WriteLine($"batch {b + 1}");
}
return 0;
