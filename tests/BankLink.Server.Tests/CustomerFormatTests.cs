using System.Globalization;
using BankLink.Server.Pages.Customer;

namespace BankLink.Server.Tests;

/// <summary>Dates in Japan time and yen as integers, each the way its language writes them.</summary>
public sealed class CustomerFormatTests
{
    private static readonly DateTimeOffset LateEveningUtc = new(2026, 11, 21, 16, 5, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("ja", "2026年11月22日", "2026年11月22日 01:05", "1,234,567円", "-5,000円")]
    [InlineData("en", "22 Nov 2026", "22 Nov 2026 01:05", "¥1,234,567", "-¥5,000")]
    public void Formats_PerLanguage_InJapanTime(string language, string date, string dateTime, string yen, string negative)
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);

            // 16:05 UTC is already the next day in Japan (UTC+9, DOMAIN.md: dates are Japan time).
            Assert.Equal(date, CustomerFormat.Date(LateEveningUtc));
            Assert.Equal(dateTime, CustomerFormat.DateTime(LateEveningUtc));
            Assert.Equal(yen, CustomerFormat.Yen(1_234_567));
            Assert.Equal(negative, CustomerFormat.Yen(-5_000));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
