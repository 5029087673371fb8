using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace BankLink.Testing;

/// <summary>A test class with its own fresh database per test and BankLink's real services over it.</summary>
public abstract class ServicesOverDatabase<TDatabase> : IAsyncLifetime
    where TDatabase : TestDatabase, new()
{
    protected TDatabase Database { get; } = new();

    /// <summary>The services' clock: tests move it to cross expiry and rotation boundaries.</summary>
    protected SettableTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 21, 3, 0, 0, TimeSpan.Zero));

    protected ServiceProvider Services { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Services = BankLinkServices.Build(Database.ConnectionString, Clock);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Database.DisposeAsync();
    }
}
