using System.Globalization;
using BankLink.CoreBanking;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Customers;
using BankLink.Data.Operations.FourEyes;
using BankLink.Domain.Time;
using BankLink.Server.Database;
using Npgsql;

namespace BankLink.Server.Commands;

/// <summary>
/// What the operator commands (issue 6: "the same operations ... as commands of the server binary") share: the actor,
/// the services of the configured database, the lookups from what operators type (login IDs, provider names) to ids,
/// and one mapping of refusals to exit codes:
/// <list type="bullet">
/// <item><c>invalid_request</c> and <c>invalid_reason</c>: <see cref="ExitCodes.InvalidArguments"/> (the input is wrong);</item>
/// <item>every other refusal (<c>not_found</c>, <c>conflict</c>, <c>forbidden</c>, <c>same_operator</c>): <see cref="ExitCodes.Refused"/>;</item>
/// <item>a core banking system that cannot be reached: <see cref="ExitCodes.Failure"/> (try again later).</item>
/// </list>
/// The message goes to standard error, so scripts can read standard output as the result.
/// </summary>
internal static class OperatorCommandRunner
{
    /// <summary>
    /// The person running a command: <see cref="OperatorActor.Command"/> with the user name of the machine's account
    /// (admin role, login <c>command:NAME</c> in the audit trail). Nobody can name another actor on the command line.
    /// </summary>
    public static OperatorActor Actor() => OperatorActor.Command(Environment.UserName);

    /// <summary>Runs <paramref name="action"/> against the configured database, with refusals mapped to exit codes.</summary>
    public static async Task<int> RunAsync(string[] args, Func<IServiceProvider, OperatorActor, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        await using var host = await CommandHost.CreateAsync(args);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancellationToken);
        try
        {
            return await action(host.Services, Actor(), cancellationToken);
        }
        catch (OperationRefusedException refused)
        {
            await Console.Error.WriteLineAsync(refused.Message);
            return ExitCodeOf(refused);
        }
        catch (CoreUnavailableException unavailable)
        {
            await Console.Error.WriteLineAsync("The core banking system cannot be reached; nothing changed. Try again later. (" + unavailable.Message + ")");
            return ExitCodes.Failure;
        }
    }

    public static int ExitCodeOf(OperationRefusedException refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        return refused.Code is "invalid_request" or "invalid_reason" ? ExitCodes.InvalidArguments : ExitCodes.Refused;
    }

    /// <summary>Bad input found before the database is opened: the message and <see cref="ExitCodes.InvalidArguments"/>.</summary>
    public static async Task<int> InvalidAsync(string message)
    {
        await Console.Error.WriteLineAsync(message);
        return ExitCodes.InvalidArguments;
    }

    /// <summary>The customer with that login ID (exactly, regardless of case); <c>not_found</c> otherwise.</summary>
    public static async Task<CustomerSummary> CustomerAsync(IServiceProvider services, OperatorActor actor, string loginId, CancellationToken cancellationToken)
    {
        var found = await services.GetRequiredService<CustomerDirectory>().SearchAsync(actor, CustomerSearchBy.LoginId, loginId, cancellationToken);
        return found.Count == 1 ? found[0] : throw new OperationRefusedException("not_found", $"No customer has the login ID '{loginId}'.");
    }

    /// <summary>
    /// The provider with that id, English name or Japanese name (regardless of case); <c>not_found</c> when none,
    /// <c>conflict</c> when a name matches more than one.
    /// </summary>
    public static async Task<(Guid Id, string Name)> ProviderAsync(IServiceProvider services, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        await using var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT id, name FROM providers WHERE id::text = $1 OR lower(name) = lower($1) OR lower(name_ja) = lower($1) ORDER BY name, id LIMIT 2");
        command.Parameters.AddWithValue(reference.Trim());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<(Guid, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        return found.Count switch
        {
            1 => found[0],
            0 => throw new OperationRefusedException("not_found", $"No provider has the id or name '{reference}'."),
            _ => throw new OperationRefusedException("conflict", $"More than one provider matches '{reference}'; use the provider's id."),
        };
    }

    /// <summary>
    /// Runs a mutating action through <see cref="OperatorActions"/>, so four-eyes applies as in the console and the
    /// admin API. Done: <paramref name="done"/> prints what changed. Waiting for a second operator: prints
    /// <c>pending approval ID</c> and who may approve; both exit 0 (the request was accepted).
    /// </summary>
    public static async Task<int> DispatchAsync(IServiceProvider services, OperatorActor actor, OperatorActionRequest request, string reason,
        Func<object?, Task> done, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(done);
        var outcome = await services.GetRequiredService<OperatorActions>().RunAsync(actor, request, reason, cancellationToken);
        if (outcome.Pending)
        {
            await PrintPendingAsync(outcome);
            return ExitCodes.Success;
        }

        await done(outcome.Result);
        return ExitCodes.Success;
    }

    private static async Task PrintPendingAsync(OperatorActionOutcome outcome)
    {
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"pending approval {outcome.PendingId}"));
        if (outcome.Result is PendingOperatorAction pending)
        {
            await Console.Out.WriteLineAsync(
                $"  {pending.Action} ({pending.Target}) needs a second operator's approval (four-eyes) by {Time(pending.ExpiresAt)}; nothing changed yet.");
        }

        await Console.Out.WriteLineAsync(
            "  Another operator approves it in the operator console or the admin API ('approvals approve' refuses the user who asked).");
    }

    /// <summary>A UUID argument.</summary>
    public static bool TryId(string? text, out Guid id) => Guid.TryParse(text?.Trim(), out id);

    /// <summary>Japan time to the minute, as every command prints times.</summary>
    public static string Time(DateTimeOffset? instant, string none = "never") =>
        instant is { } at ? at.ToOffset(JapanTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " JST" : none;

    /// <summary>An enum member as operators read it: snake_case, as the database and the admin API write it.</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => Data.EnumNames.ToDatabase(value);
}
