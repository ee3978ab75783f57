namespace Pprof.Demo.Shop.Faults;

/// <summary>The bugs the shop can be started with (or switched on while running) so that profiles have something to find.</summary>
internal enum Fault
{
    /// <summary><c>cpu</c>: the cart's loyalty discount is recomputed from scratch in a hot loop for every line.</summary>
    Cpu,

    /// <summary><c>leak</c>: product recommendations go into a static cache keyed by visitor that never evicts.</summary>
    Leak,

    /// <summary><c>lock</c>: one global lock around the whole inventory, held while the stock ledger is written.</summary>
    Lock,

    /// <summary><c>async</c>: every checkout starts a shipment tracker awaiting a confirmation nobody ever sends.</summary>
    Async,

    /// <summary><c>sync-over-async</c>: the payment gateway's async call is waited on with <c>.Result</c>.</summary>
    SyncOverAsync,

    /// <summary><c>exceptions</c>: coupon validation throws for every ordinary "no coupon" case and catches it again.</summary>
    Exceptions,
}
