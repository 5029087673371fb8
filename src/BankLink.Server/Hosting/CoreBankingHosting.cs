using BankLink.CoreBanking;
using BankLink.Domain.Time;

namespace BankLink.Server.Hosting;

/// <summary>Binds <c>BankLink:CoreBanking</c> and <c>BankLink:ServiceHours</c> (README "Core banking and service hours"); the services come with AddDemoBank.</summary>
public static class CoreBankingHosting
{
    public static IHostApplicationBuilder AddBankLinkCoreBanking(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CoreBankingOptions>().Bind(builder.Configuration.GetSection(CoreBankingOptions.SectionName));
        builder.Services.AddOptions<ServiceHoursOptions>().Bind(builder.Configuration.GetSection(ServiceHoursOptions.SectionName));
        return builder;
    }
}
