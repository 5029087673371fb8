using BankLink.Domain.Time;

namespace BankLink.Domain.Tests;

public sealed class JapanTimeTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Today_UtcEveningIsNextDayInJapan()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 3, 31, 15, 30, 0, TimeSpan.Zero));

        Assert.Equal(new DateOnly(2026, 4, 1), JapanTime.Today(clock));
        Assert.Equal(TimeSpan.FromHours(9), JapanTime.Now(clock).Offset);
    }

    [Fact]
    public void StartOfDay_IsMidnightJapanTime()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 15, 0, 0, TimeSpan.Zero), JapanTime.StartOfDay(new DateOnly(2026, 4, 1)).ToUniversalTime());
    }
}
