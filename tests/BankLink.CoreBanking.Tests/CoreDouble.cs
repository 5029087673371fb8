using System.Globalization;
using System.Net;
using System.Text.Json;
using BankLink.CoreBanking.Http;
using BankLink.Domain.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BankLink.CoreBanking.Tests;

/// <summary>How the core double answers.</summary>
public enum CoreBehaviour
{
    Healthy,

    /// <summary>Answers after <see cref="CoreDouble.Delay"/>.</summary>
    Slow,

    /// <summary>500 to everything.</summary>
    Failing,

    /// <summary>Odd-numbered requests get 500, even ones a good answer.</summary>
    Flapping,

    /// <summary>400: a request the core refuses (not transient).</summary>
    BadRequest,

    /// <summary>200 with a body that is not JSON.</summary>
    Garbage,
}

/// <summary>
/// A core banking adapter double on a real loopback socket (Kestrel, a free port), speaking
/// openapi/core-adapter.v1.yaml, that can be made slow, failing or flapping, and counts what it receives.
/// </summary>
public sealed class CoreDouble : IAsyncDisposable
{
    public static readonly Guid KnownAccount = Guid.Parse("6f1d3c3e-8a0b-4c55-9d7e-0a1b2c3d4e5f");

    public static readonly DateTimeOffset BalanceAsOf = new(2026, 11, 21, 11, 0, 0, TimeSpan.FromHours(9));

    private readonly WebApplication _app;
    private int _requests;

    private CoreDouble(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    private volatile CoreBehaviour _behaviour;

    public CoreBehaviour Behaviour
    {
        get => _behaviour;
        set => _behaviour = value;
    }

    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(4);

    public long Balance { get; set; } = 123_456;

    public int Requests => Volatile.Read(ref _requests);

    public string? LastQuery { get; private set; }

    public static async Task<CoreDouble> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        CoreDouble? self = null;
        app.Run(context => self!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new CoreDouble(app, new Uri(address + "/core/v1/"));
        return self;
    }

    /// <summary>An address where nothing listens: connections are refused at once.</summary>
    public static Uri RefusingAddress()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/core/v1/");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _requests);
        LastQuery = context.Request.QueryString.Value;
        switch (Behaviour)
        {
            case CoreBehaviour.Slow:
                try
                {
                    await Task.Delay(Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                break;
            case CoreBehaviour.Failing:
            case CoreBehaviour.Flapping when number % 2 == 1:
                context.Response.StatusCode = 500;
                return;
            case CoreBehaviour.BadRequest:
                context.Response.StatusCode = 400;
                return;
            case CoreBehaviour.Garbage:
                await context.Response.WriteAsync("<html>maintenance</html>");
                return;
        }

        var path = context.Request.Path.Value ?? "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        object? answer = segments switch
        {
            ["core", "v1", "customers", var customer, "accounts"] => new { accounts = customer == "0000000001" ? new[] { Account() } : [] },
            ["core", "v1", "accounts", var id] when Guid.Parse(id) == KnownAccount => Account(),
            ["core", "v1", "accounts", var id, "balance"] when Guid.Parse(id) == KnownAccount =>
                new CoreBalance(KnownAccount, AccountKind.Ordinary, Balance, null, BalanceAsOf),
            ["core", "v1", "accounts", var id, "transactions"] when Guid.Parse(id) == KnownAccount => Page(),
            _ => null,
        };
        if (answer is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(answer, HttpCoreBankingGateway.JsonOptions));
    }

    private static CoreAccount Account() =>
        new(KnownAccount, "0000000001", "001", "本店", "Head Office", AccountKind.Ordinary, "0123456", "普通預金", AccountStatus.Open, true);

    private static CoreTransactionPage Page() => new(
        [
            new CoreTransaction(KnownAccount, 12, new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 20), 5000, TransactionDirection.Debit, 123_456, "ATM", "atm"),
            new CoreTransaction(KnownAccount, 11, new DateOnly(2026, 11, 19), new DateOnly(2026, 11, 19), 250_000, TransactionDirection.Credit, 128_456, "給与", "salary"),
        ],
        new CoreTransactionKey(new DateOnly(2026, 11, 19), 11),
        BalanceAsOf);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"core double at {BaseAddress} ({Behaviour}, {Requests} requests)");
}
