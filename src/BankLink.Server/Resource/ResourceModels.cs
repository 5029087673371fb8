using System.Text.Json.Serialization;
using BankLink.CoreBanking;
using BankLink.Domain.Accounts;

namespace BankLink.Server.Resource;

/// <summary>
/// GET /accounts: the accounts of the token's grant (openapi/banklink-resource.v1.json <c>AccountList</c>). Like every
/// data response, <c>stale</c> and <c>staleReason</c> appear only on last-known data served while the core could not be asked.
/// </summary>
public sealed record AccountList(
    IReadOnlyList<AccountSummary> Accounts,
    DateTimeOffset AsOf,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Stale,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StaleReason);

/// <summary>One linked account as a provider sees it: a pairwise id, never the account number, which is masked.</summary>
public sealed record AccountSummary(string Id, string Kind, string BranchName, string MaskedAccountNumber, string Nickname, string Currency);

/// <summary>An ordinary or savings account's balance.</summary>
public sealed record DepositBalance(
    string AccountId,
    string Kind,
    string Currency,
    long Current,
    long Available,
    DateTimeOffset AsOf,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Stale,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StaleReason);

/// <summary>A card loan's "balance" (DOMAIN.md): the outstanding loan, the credit limit and what may still be borrowed.</summary>
public sealed record CardLoanBalance(
    string AccountId,
    string Kind,
    string Currency,
    long Outstanding,
    long CreditLimit,
    long AvailableToBorrow,
    DateTimeOffset AsOf,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Stale,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StaleReason);

/// <summary>A page of history, newest first; <see cref="Next"/> is the link to the older page, absent on the last one.</summary>
public sealed record TransactionPage(
    string AccountId,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<TransactionItem> Transactions,
    DateTimeOffset AsOf,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Stale,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StaleReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next);

/// <summary>One line of history (入出金明細); amounts in integer yen, positive, with the direction from the account's point of view.</summary>
public sealed record TransactionItem(string Id, DateOnly BookingDate, DateOnly ValueDate, long Amount, string Direction, long BalanceAfter, string Description, string Type);

/// <summary>The names the contract uses for kinds and directions.</summary>
public static class ResourceNames
{
    public const string Currency = "JPY";

    public static string Kind(AccountKind kind) => kind switch
    {
        AccountKind.Ordinary => "ordinary",
        AccountKind.Savings => "savings",
        AccountKind.CardLoan => "card_loan",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only linkable kinds are ever served."),
    };

    public static string Direction(TransactionDirection direction) => direction == TransactionDirection.Credit ? "credit" : "debit";
}
