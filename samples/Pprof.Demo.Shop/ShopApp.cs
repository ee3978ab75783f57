using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Pprof.AspNetCore;
using Pprof.Demo.Shop.Cart;
using Pprof.Demo.Shop.Catalog;
using Pprof.Demo.Shop.Faults;
using Pprof.Demo.Shop.Inventory;
using Pprof.Demo.Shop.Orders;
using Pprof.Demo.Shop.Pricing;

namespace Pprof.Demo.Shop;

/// <summary>The shop's web application: catalog, cart, checkout and orders as minimal APIs over in-memory data, the
/// fault switches, and the pprof endpoints under <c>/debug/pprof</c> (loopback only).</summary>
internal static class ShopApp
{
    /// <summary>The line printed on stdout once the shop listens, followed by its base address.</summary>
    internal const string ReadyBanner = "Pprof.Demo.Shop listening on ";

    /// <summary>Builds the application. Arguments: the usual ASP.NET Core ones (<c>--urls</c>, defaulting to
    /// <c>http://127.0.0.1:5080</c>) and <c>--faults LIST</c> (also <c>SHOP_FAULTS</c>): a comma-separated list of
    /// <c>cpu, leak, lock, async, sync-over-async, exceptions</c>, or <c>all</c>.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(ShopApp).Assembly.GetName().Name });
        builder.Configuration.AddEnvironmentVariables("SHOP_");
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls("http://127.0.0.1:5080");
        if (string.IsNullOrEmpty(builder.Configuration["Logging:LogLevel:Default"]))
            builder.Logging.SetMinimumLevel(LogLevel.Warning);

        var faults = new FaultSwitches();
        faults.Apply(builder.Configuration["faults"]);

        builder.Services.AddSingleton(faults);
        builder.Services.AddSingleton<ProductCatalog>();
        builder.Services.AddSingleton<RecommendationCache>();
        builder.Services.AddSingleton<CartStore>();
        builder.Services.AddSingleton<CouponValidator>();
        builder.Services.AddSingleton<PriceCalculator>();
        builder.Services.AddSingleton<InventoryStore>();
        builder.Services.AddSingleton<PaymentGateway>();
        builder.Services.AddSingleton<OrderStore>();
        builder.Services.AddSingleton<ShipmentTracker>();
        builder.Services.AddSingleton<CheckoutService>();
        // The mutex profile is off by default, as in Go; the shop records every contention so that /debug/pprof/mutex
        // shows the inventory lock. Allocation, exception and thread-creation profiles are on by AddPprof's defaults. The
        // heap profile is off by default (its cost grows with the allocation rate); the shop allocates little and the
        // demo's leak step reads it, so it is on here.
        builder.Services.AddPprof(options =>
        {
            options.MutexProfileFraction = 1;
            options.AllocationSampling = builder.Configuration["pprof-allocs"] != "false";
            options.HeapProfiling = builder.Configuration["pprof-heap"] != "false";
        });

        var app = builder.Build();
        MapShop(app);
        MapFaults(app);
        app.MapPprof("/debug/pprof");
        // The live dashboard (docs/watch.md): the faults as charts, with buttons that download profiles from /debug/pprof.
        app.MapStatsviz("/debug/statsviz");
        return app;
    }

    /// <summary>The address the started application listens on (the first one), e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public static string ListeningAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        return addresses?.FirstOrDefault() ?? throw new InvalidOperationException("the shop has not started");
    }

    private static void MapShop(WebApplication app)
    {
        app.MapGet("/", () => Results.Text(
            "Pprof.Demo.Shop: GET /api/products, GET /api/products/{id}, GET|DELETE /api/cart/{cartId}, POST /api/cart/{cartId}/items, " +
            "POST /api/cart/{cartId}/checkout, GET /api/orders, GET /api/orders/{id}, GET /faults, POST /faults/{name}?on=true|false, /debug/pprof/\n"));
        app.MapGet("/healthz", () => Results.Text("ok\n"));

        var api = app.MapGroup("/api");
        api.MapGet("/products", (ProductCatalog catalog, string? category, int? page) =>
            Results.Ok(catalog.List(category, page ?? 1, 20)));
        api.MapGet("/products/{id:int}", (int id, string? visitor, ProductCatalog catalog, RecommendationCache recommendations) =>
        {
            var product = catalog.Find(id);
            if (product == null) return Results.NotFound();
            var also = recommendations.For(product, visitor ?? "anonymous");
            return Results.Ok(new { product, alsoBought = also.Items, carousel = also.RenderedCarousel });
        });

        api.MapGet("/cart/{cartId}", (string cartId, string? coupon, CartStore carts, PriceCalculator prices) =>
            Results.Ok(prices.Price(cartId, carts.GetOrCreate(cartId).Lines, coupon)));
        api.MapDelete("/cart/{cartId}", (string cartId, CartStore carts) =>
            carts.Remove(cartId) ? Results.NoContent() : Results.NotFound());
        api.MapPost("/cart/{cartId}/items", (string cartId, AddItemRequest item, ProductCatalog catalog, InventoryStore inventory, CartStore carts) =>
        {
            var product = catalog.Find(item.ProductId);
            if (product == null) return Results.NotFound();
            if (item.Quantity is < 1 or > 100) return Results.BadRequest("quantity must be 1 to 100");
            inventory.Reserve(product.Id, item.Quantity);
            var cart = carts.GetOrCreate(cartId);
            cart.Add(new CartLine(product.Id, product.Name, product.Price, item.Quantity));
            return Results.Ok(cart.Lines);
        });
        api.MapPost("/cart/{cartId}/checkout", async (string cartId, string? coupon, CheckoutService checkout, CancellationToken ct) =>
        {
            var order = await checkout.CheckoutAsync(cartId, coupon, ct);
            return order == null ? Results.BadRequest("the cart is empty") : Results.Ok(order);
        });

        api.MapGet("/orders", (OrderStore orders) => Results.Ok(orders.Recent(20)));
        api.MapGet("/orders/{id}", (string id, OrderStore orders) =>
            orders.Find(id) is { } order ? Results.Ok(order) : Results.NotFound());
        api.MapGet("/stats", (OrderStore orders, ShipmentTracker shipments, InventoryStore inventory) => Results.Ok(new
        {
            ordersPlaced = orders.Placed,
            shipmentsPending = shipments.Pending,
            shipmentsConfirmed = shipments.Confirmed,
            ledgerLines = inventory.LedgerLines,
            personalisedRecommendations = RecommendationCache.PersonalisedEntries,
        }));
    }

    private static void MapFaults(WebApplication app)
    {
        app.MapGet("/faults", (FaultSwitches faults) => Results.Ok(faults.Snapshot()));
        app.MapPost("/faults/{name}", (string name, bool? on, FaultSwitches faults) =>
        {
            if (FaultSwitches.Parse(name) is not { } fault)
                return Results.NotFound($"unknown fault \"{name}\"; known: {string.Join(", ", FaultSwitches.Names)}\n");
            faults.Set(fault, on ?? true);
            return Results.Ok(faults.Snapshot());
        });
    }

    /// <summary>Stops the application when the process <paramref name="parentPid"/> exits, so that a shop started by a
    /// driver that was killed does not stay behind.</summary>
    public static void ExitWithParent(WebApplication app, int parentPid)
    {
        Process parent;
        try
        {
            parent = Process.GetProcessById(parentPid);
        }
        catch (ArgumentException)
        {
            app.Lifetime.StopApplication();
            return;
        }
        _ = Task.Run(async () =>
        {
            using (parent)
            {
                while (!app.Lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    parent.Refresh();
                    if (parent.HasExited)
                    {
                        app.Lifetime.StopApplication();
                        return;
                    }
                    try
                    {
                        await Task.Delay(500, app.Lifetime.ApplicationStopping);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        });
    }
}
