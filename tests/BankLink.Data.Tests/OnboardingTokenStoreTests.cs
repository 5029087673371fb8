using BankLink.Data.Stores;
using BankLink.DemoBank;
using BankLink.Domain.Providers;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Data.Tests;

/// <summary>Onboarding tokens on real PostgreSQL, with a clock the tests move.</summary>
public sealed class OnboardingTokenStoreTests : ServicesOverDatabase<DemoBankDatabase>
{
    private OnboardingTokenStore Store => Services.GetRequiredService<OnboardingTokenStore>();

    [Fact]
    public async Task Issue_StoresOnlyTheHashAndTheTokenWorksForSixtyDays()
    {
        var (token, issued) = await Store.IssueAsync(SandboxProvider.Id, "山田 太郎", "test", CancellationToken.None);

        Assert.Equal(Clock.GetUtcNow().AddDays(60), issued.ExpiresAt);
        Assert.NotNull(await Store.FindUsableAsync(token.Value, CancellationToken.None));
        var stored = await Database.ScalarAsync<byte[]>("SELECT token_hash FROM onboarding_tokens WHERE id = $1", token.Id);
        Assert.Equal(token.Hash(), stored);
        Assert.Equal(0, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM onboarding_tokens t WHERE to_jsonb(t)::text LIKE '%' || $1 || '%'", token.Secret));

        Clock.Advance(TimeSpan.FromDays(60) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await Store.FindUsableAsync(token.Value, CancellationToken.None));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await Store.FindUsableAsync(token.Value, CancellationToken.None));
    }

    [Fact]
    public async Task FindUsable_WrongSecretUnknownIdOrMalformed_AllNull()
    {
        var (token, _) = await Store.IssueAsync(SandboxProvider.Id, "山田 太郎", "test", CancellationToken.None);

        Assert.Null(await Store.FindUsableAsync(token.Id + "@" + new string('0', 16), CancellationToken.None));
        Assert.Null(await Store.FindUsableAsync("zzzzzzzz@" + token.Secret, CancellationToken.None));
        Assert.Null(await Store.FindUsableAsync(token.Value + "x", CancellationToken.None));
        Assert.Null(await Store.FindUsableAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Renew_ExpiredToken_NewTokenWithFreshSixtyDaysAndTheOldOneStops()
    {
        var (old, _) = await Store.IssueAsync(SandboxProvider.Id, "山田 太郎", "test", CancellationToken.None);
        Clock.Advance(TimeSpan.FromDays(61));

        var (renewed, issued) = await Store.RenewAsync(old.Id, "test", CancellationToken.None);

        Assert.NotEqual(old.Id, renewed.Id);
        Assert.Equal(old.Id, issued.RenewedFrom);
        Assert.Equal("山田 太郎", issued.PersonName);
        Assert.Equal(Clock.GetUtcNow().AddDays(60), issued.ExpiresAt);
        Assert.NotNull(await Store.FindUsableAsync(renewed.Value, CancellationToken.None));
        Assert.Equal(OnboardingTokenStatus.Renewed, (await Store.FindAsync(old.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Renew_Twice_SecondIsRefusedAndNamesTheSuccessor()
    {
        var (old, _) = await Store.IssueAsync(SandboxProvider.Id, "山田 太郎", "test", CancellationToken.None);
        var (successor, _) = await Store.RenewAsync(old.Id, "test", CancellationToken.None);

        var error = await Assert.ThrowsAsync<OnboardingTokenException>(() => Store.RenewAsync(old.Id, "test", CancellationToken.None));

        Assert.Contains(successor.Id, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renew_SameTokenTwiceAtOnce_ExactlyOneSuccessor()
    {
        var (old, _) = await Store.IssueAsync(SandboxProvider.Id, "山田 太郎", "test", CancellationToken.None);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Store.RenewAsync(old.Id, "test", CancellationToken.None);
                return true;
            }
            catch (OnboardingTokenException)
            {
                return false;
            }
        })));

        Assert.Single(attempts, succeeded => succeeded);
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM onboarding_tokens WHERE renewed_from = $1", old.Id));
    }

    [Fact]
    public async Task Revoke_TokenStopsAndCannotBeRenewed()
    {
        var (token, _) = await Store.IssueAsync(SandboxProvider.Id, "山田 太郎", "test", CancellationToken.None);

        await Store.RevokeAsync(token.Id, CancellationToken.None);

        Assert.Null(await Store.FindUsableAsync(token.Value, CancellationToken.None));
        await Assert.ThrowsAsync<OnboardingTokenException>(() => Store.RenewAsync(token.Id, "test", CancellationToken.None));
    }

    [Fact]
    public async Task Issue_UnknownOrSuspendedProvider_Refused()
    {
        await Assert.ThrowsAsync<OnboardingTokenException>(() => Store.IssueAsync(Guid.NewGuid(), "山田 太郎", "test", CancellationToken.None));

        await Database.ExecuteAsync("UPDATE providers SET status = 'suspended' WHERE id = $1", SandboxProvider.Id);
        var error = await Assert.ThrowsAsync<OnboardingTokenException>(() => Store.IssueAsync(SandboxProvider.Id, "山田 太郎", "test", CancellationToken.None));
        Assert.Contains("suspended", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindUsable_ProviderSuspendedAfterIssue_TokenOpensNothing()
    {
        var (token, _) = await Store.IssueAsync(SandboxProvider.Id, "山田 太郎", "test", CancellationToken.None);

        await Database.ExecuteAsync("UPDATE providers SET status = 'suspended' WHERE id = $1", SandboxProvider.Id);

        Assert.Null(await Store.FindUsableAsync(token.Value, CancellationToken.None));
    }

    [Fact]
    public async Task MarkUsed_CountsUsesAndKeepsTheToken()
    {
        var (token, _) = await Store.IssueAsync(SandboxProvider.Id, "山田 太郎", "test", CancellationToken.None);

        await Store.MarkUsedAsync(token.Id, CancellationToken.None);
        await Store.MarkUsedAsync(token.Id, CancellationToken.None);

        Assert.Equal(2, await Database.ScalarAsync<int>("SELECT use_count FROM onboarding_tokens WHERE id = $1", token.Id));
        Assert.NotNull((await Store.FindAsync(token.Id, CancellationToken.None))!.LastUsedAt);
        Assert.Single(await Store.ListAsync(SandboxProvider.Id, CancellationToken.None));
    }
}
