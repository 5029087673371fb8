using BankLink.Domain.Providers;

namespace BankLink.DemoBank;

/// <summary>The sandbox provider organisation that fintech engineers test the consent flow with.</summary>
public static class SandboxProvider
{
    public static readonly Guid Id = DeterministicIds.For("provider:sandbox");

    public static Provider Create(DateTimeOffset now)
    {
        var provider = new Provider
        {
            Id = Id,
            Name = "BankLink Sandbox Household Budget",
            NameJa = "サンドボックス家計簿",
            Description = "The bank's sandbox provider: a household-budget app for testing API linking end to end.",
            DescriptionJa = "API連携の動作確認用に銀行が用意したサンドボックスの家計簿アプリです。",
            Website = "https://sandbox.banklink.example/",
            Status = ProviderStatus.Active,
            IsSandbox = true,
            CreatedAt = now,
        };
        provider.ChainedRecipients.Add(new ChainedRecipient
        {
            Id = DeterministicIds.For("provider:sandbox:recipient:tax"),
            ProviderId = Id,
            Name = "Sandbox Tax Office",
            NameJa = "サンドボックス税理士事務所",
            Purpose = "Prepares the customer's tax return from their transaction history.",
            PurposeJa = "入出金明細をもとに確定申告書を作成します。",
            CreatedAt = now,
        });
        return provider;
    }
}
