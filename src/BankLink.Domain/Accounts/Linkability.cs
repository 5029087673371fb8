namespace BankLink.Domain.Accounts;

/// <summary>Why an account cannot be linked, shown to the customer beside the greyed-out account.</summary>
public enum NotLinkableReason
{
    None,

    /// <summary>Time deposits and any kind other than ordinary, savings and card loan.</summary>
    KindNotOffered,

    /// <summary>No cash card (or loan card) issued with a registered PIN.</summary>
    NoPinRegisteredCard,

    Frozen,

    Closed,
}

/// <summary>DOMAIN.md "Accounts that can be linked": the one place that decides.</summary>
public static class Linkability
{
    public static bool IsLinkableKind(AccountKind kind) =>
        kind is AccountKind.Ordinary or AccountKind.Savings or AccountKind.CardLoan;

    /// <summary>The reason an account cannot be linked, or <see cref="NotLinkableReason.None"/> when it can.</summary>
    public static NotLinkableReason Evaluate(AccountKind kind, AccountStatus status, bool hasPinRegisteredCard) =>
        (kind, status, hasPinRegisteredCard) switch
        {
            (_, AccountStatus.Closed, _) => NotLinkableReason.Closed,
            (_, AccountStatus.Frozen, _) => NotLinkableReason.Frozen,
            (var k, _, _) when !IsLinkableKind(k) => NotLinkableReason.KindNotOffered,
            (_, _, false) => NotLinkableReason.NoPinRegisteredCard,
            _ => NotLinkableReason.None,
        };
}
