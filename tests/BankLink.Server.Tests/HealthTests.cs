using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Data.Migrations;
using BankLink.Testing;
using Npgsql;

namespace BankLink.Server.Tests;

/// <summary>/health/live and /health/ready, before and after the database goes away.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private readonly SchemaDatabase _database = new();
    private BankLinkApp _app = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Live_Answers200WithoutTouchingTheDatabase()
    {
        var response = await _app.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("Healthy", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_DatabaseReachableAndSchemaCurrent_200()
    {
        var response = await _app.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_DatabaseGoesAwayThenComesBackEmptyThenMigrated_FollowsItAndLiveStaysUp()
    {
        var client = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

        await _database.Server.ExecuteAdminAsync($"DROP DATABASE {_database.Name} WITH (FORCE)");
        var gone = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var goneBody = await gone.Content.ReadFromJsonAsync<JsonElement>();
        var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, gone.StatusCode);
        Assert.Equal("database unreachable", goneBody.GetProperty("checks").GetProperty("database").GetProperty("description").GetString());
        Assert.DoesNotContain("Password", goneBody.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        await _database.Server.ExecuteAdminAsync($"CREATE DATABASE {_database.Name}");
        NpgsqlConnection.ClearAllPools();
        var empty = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, empty.StatusCode);
        Assert.Contains("not applied", (await empty.Content.ReadFromJsonAsync<JsonElement>()).ToString(), StringComparison.Ordinal);

        await using (var dataSource = NpgsqlDataSource.Create(_database.ConnectionString))
        {
            await new Migrator(dataSource).MigrateAsync();
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
    }
}
