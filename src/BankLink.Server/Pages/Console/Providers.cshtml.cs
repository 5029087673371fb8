using BankLink.Data.Operations.Providers;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>Every provider with its status, clients and active links (any role); each links to its page.</summary>
public sealed class ConsoleProvidersModel(ProviderOperations providers) : ConsolePageModel
{
    public IReadOnlyList<ProviderSummary> Providers { get; private set; } = [];

    public async Task OnGetAsync() => Providers = await providers.ListAsync(Operator, Aborted);
}
