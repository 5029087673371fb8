using System.Globalization;
using BankLink.Domain.Time;

namespace BankLink.Server.Pages.Customer;

/// <summary>Dates (Japan time, DOMAIN.md) and yen amounts as a customer reads them in their language.</summary>
public static class CustomerFormat
{
    private static bool IsEnglish => CultureInfo.CurrentUICulture.Name == CustomerLocalization.English;

    /// <summary>2026年11月21日 / 21 Nov 2026, for the Japanese calendar date of the instant.</summary>
    public static string Date(DateTimeOffset instant)
    {
        var japan = instant.ToOffset(JapanTime.Offset);
        return IsEnglish
            ? japan.ToString("d MMM yyyy", CultureInfo.GetCultureInfo(CustomerLocalization.English))
            : japan.ToString("yyyy年M月d日", CultureInfo.GetCultureInfo(CustomerLocalization.Japanese));
    }

    /// <summary>2026年11月21日 14:05 / 21 Nov 2026 14:05 (Japan time).</summary>
    public static string DateTime(DateTimeOffset instant) =>
        Date(instant) + " " + instant.ToOffset(JapanTime.Offset).ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>12,345円 / ¥12,345: yen are integers (DOMAIN.md).</summary>
    public static string Yen(long amount)
    {
        var digits = Math.Abs(amount).ToString("N0", CultureInfo.InvariantCulture);
        var sign = amount < 0 ? "-" : "";
        return IsEnglish ? $"{sign}¥{digits}" : $"{sign}{digits}円";
    }
}
