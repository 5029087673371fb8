using System.Globalization;
using System.Text.Json.Nodes;
using BankLink.Data.Links;
using BankLink.Domain.Accounts;
using BankLink.Domain.Otp;
using BankLink.Domain.Providers;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>The console's English words for the bank's states and kinds (DOMAIN.md glossary), with the Japanese term where staff use it.</summary>
public static class ConsoleWords
{
    public static string Kind(AccountKind? kind) => kind switch
    {
        AccountKind.Ordinary => "ordinary (普通預金)",
        AccountKind.Savings => "savings (貯蓄預金)",
        AccountKind.CardLoan => "card loan (カードローン)",
        AccountKind.TimeDeposit => "time deposit (定期預金)",
        _ => "unknown to the core",
    };

    public static string Status(AccountStatus? status) => status switch
    {
        AccountStatus.Open => "open",
        AccountStatus.Frozen => "stopped (凍結)",
        AccountStatus.Closed => "closed (解約)",
        _ => "-",
    };

    public static string NotLinkable(NotLinkableReason? reason) => reason switch
    {
        null or NotLinkableReason.None => "",
        NotLinkableReason.KindNotOffered => "not linkable: kind not offered",
        NotLinkableReason.NoPinRegisteredCard => "not linkable: no PIN-registered card",
        NotLinkableReason.Frozen => "not linkable: stopped",
        NotLinkableReason.Closed => "not linkable: closed",
        _ => "not linkable",
    };

    public static string Function(LinkFunction function) => function switch
    {
        LinkFunction.Balance => "balance inquiry",
        LinkFunction.Transactions => "transaction history",
        _ => function.ToString(),
    };

    public static string Device(OtpDeviceKind kind) => kind == OtpDeviceKind.Software ? "software token" : "hardware token";

    public static string DeviceStatus(OtpDeviceStatus status) => status switch
    {
        OtpDeviceStatus.Active => "active",
        OtpDeviceStatus.Pending => "pending enrolment",
        OtpDeviceStatus.Retired => "retired",
        OtpDeviceStatus.InStock => "in stock",
        _ => status.ToString(),
    };

    public static string Provider(ProviderStatus status) => status == ProviderStatus.Suspended ? "suspended" : "active";

    /// <summary>An audit event's detail for a table cell: the reason first when there is one, then the rest, cut at <paramref name="max"/> characters.</summary>
    public static string Detail(JsonObject? detail, int max = 240)
    {
        if (detail is null || detail.Count == 0)
        {
            return "";
        }

        var text = detail.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return text.Length <= max ? text : text[..max] + "…";
    }

    /// <summary>A share as a percentage with one decimal, or "-" without requests.</summary>
    public static string Percent(double? share) => share is { } value ? (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-";
}
