using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Pprof.Demo.Shop.Faults;

namespace Pprof.Demo.Shop.Inventory;

/// <summary>Stock levels. Reserving stock writes a line to the stock ledger (simulated I/O of about 2 ms).
/// <para>The <c>lock</c> fault: one global lock guards the whole inventory and is held while the ledger is written, so
/// every add-to-cart in the shop waits for every other. With the fault off, stock is updated lock-free and the ledger
/// is written outside any lock.</para></summary>
internal sealed class InventoryStore
{
    private const int RestockQuantity = 1_000;

    private static readonly object s_inventoryLock = new();

    private readonly ConcurrentDictionary<int, int> _stock = new();
    private readonly FaultSwitches _faults;
    private long _ledgerLines;

    public InventoryStore(FaultSwitches faults) => _faults = faults;

    /// <summary>Lines written to the stock ledger.</summary>
    public long LedgerLines => Interlocked.Read(ref _ledgerLines);

    /// <summary>Takes <paramref name="quantity"/> of the product out of stock (restocking when it runs out).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Reserve(int productId, int quantity)
    {
        if (_faults.IsOn(Fault.Lock))
        {
            lock (s_inventoryLock)
            {
                int left = Take(productId, quantity);
                WriteStockLedger(productId, -quantity);
                return left;
            }
        }
        int remaining = Take(productId, quantity);
        WriteStockLedger(productId, -quantity);
        return remaining;
    }

    private int Take(int productId, int quantity)
        => _stock.AddOrUpdate(productId, _ => RestockQuantity - quantity, (_, have) => have >= quantity ? have - quantity : have + RestockQuantity - quantity);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteStockLedger(int productId, int delta)
    {
        // Stands for a synchronous write to a ledger file or table.
        Thread.Sleep(2);
        Interlocked.Increment(ref _ledgerLines);
        _ = productId + delta;
    }
}
