using BankLink.DemoBank;
using BankLink.Server.Apis;
using BankLink.Server.Apis.Admin;
using BankLink.Server.Authorization;
using BankLink.Server.Commands;
using BankLink.Server.Database;
using BankLink.Server.Health;
using BankLink.Server.Hosting;
using BankLink.Server.Hosting.Protocol;
using BankLink.Server.Operators;
using BankLink.Server.Pages.Customer;
using BankLink.Server.Resource;

// The one BankLink binary. No command runs the server; commands run operator tasks (README "Commands").
return await BankLinkCommands.InvokeAsync(args, RunServerAsync);

static async Task<int> RunServerAsync(string[] args)
{
    var builder = WebApplication.CreateBuilder(args);
    var logging = builder.AddBankLinkLogging();
    await using var embedded = await builder.AddBankLinkDatabaseAsync(logging);
    builder.AddBankLinkHttpDefaults();
    builder.Services.AddBankLinkHealthChecks();
    builder.Services.AddDemoBank();
    builder.AddBankLinkCoreBanking();
    builder.AddBankLinkProtocol();
    builder.AddBankLinkResourceApi();
    builder.Services.AddCustomerSession();
    builder.Services.AddCustomerPages();
    builder.Services.AddCustomerLocalization();
    builder.Services.AddOperatorConsole();

    var app = builder.Build();
    app.UseBankLinkRequestLogging();
    app.UseBankLinkErrors();
    app.UseBankLinkSecurityHeaders();
    app.UseTokenStateSync();
    app.UseStaticFiles();
    app.UseRequestLocalization();
    app.UseAuthentication();
    app.UseAuthorization();
    app.MapBankLinkHealth();
    app.MapServiceIndexApi();
    app.MapStatusApi();
    app.MapDiscoveryApi();
    app.MapRegistrationApi();
    app.MapPushedAuthorizationApi();
    app.MapTokenApi();
    app.MapAuthorizationApi();
    app.MapUserInfoApi();
    app.MapGrantManagementApi();
    app.MapResourceApi();
    app.MapAdminApi();
    app.MapLanguageSwitch();
    app.MapRazorPages();
    app.LogListeningAddresses();

    await app.RunAsync();
    return ExitCodes.Success;
}

/// <summary>Exposed so integration tests can boot the real application (WebApplicationFactory&lt;Program&gt;).</summary>
public partial class Program;
