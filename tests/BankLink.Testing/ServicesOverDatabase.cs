using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace BankLink.Testing;

/// <summary>A test class with its own fresh database per test and BankLink's real services over it.</summary>
public abstract class ServicesOverDatabase<TDatabase> : IAsyncLifetime
    where TDatabase : TestDatabase, new()
{
    protected TDatabase Database { get; } = new();

    protected ServiceProvider Services { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Services = BankLinkServices.Build(Database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Database.DisposeAsync();
    }
}
