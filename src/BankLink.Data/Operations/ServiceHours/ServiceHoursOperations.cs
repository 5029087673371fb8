using System.Globalization;
using System.Text.Json.Nodes;
using BankLink.CoreBanking;
using BankLink.Data.Audit;
using BankLink.Data.Operations.Providers;
using BankLink.Domain.Operators;
using BankLink.Domain.Time;
using Npgsql;

namespace BankLink.Data.Operations.ServiceHours;

/// <summary>Where the service hours in force come from.</summary>
public enum ServiceHoursOrigin
{
    /// <summary><c>BankLink:ServiceHours</c>: no operator has saved a document (or the last one was withdrawn).</summary>
    Configuration,

    /// <summary>The document operators saved, which overrides configuration.</summary>
    Operators,
}

/// <summary>The service hours as the console shows them.</summary>
/// <param name="Version">Pass it back to save or withdraw: an edit made on an older version is refused (conflict).</param>
/// <param name="Document">The hours in force, in the form operators edit.</param>
/// <param name="UpdatedAt">When and by whom the row last changed (also when a document was withdrawn).</param>
/// <param name="NextClosure">The closure in progress or the next one; null when the service stays open.</param>
/// <param name="UpcomingMaintenance">The windows not over yet, earliest first (at most 10, as GET /status lists them).</param>
public sealed record ServiceHoursView(
    long Version,
    ServiceHoursOrigin Origin,
    ServiceHoursDocument Document,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy,
    ServiceState StateNow,
    ServiceClosure? NextClosure,
    IReadOnlyList<MaintenanceWindow> UpcomingMaintenance);

/// <summary>
/// Operators view (any role) and edit (admin) the bank's service hours and maintenance windows (DOMAIN.md "Service hours
/// and data freshness"; issue 6). A saved document overrides configuration on every node: at once on this one, within
/// <see cref="DatabaseServiceHours.RefreshInterval"/> on the others. Each change commits with a service_hours_changed
/// audit event holding the hours before and after.
/// </summary>
public sealed class ServiceHoursOperations(
    NpgsqlDataSource dataSource, AuditTrail audit, DatabaseServiceHours source, ConfiguredServiceHours configured, TimeProvider clock)
{
    /// <summary>As many upcoming windows as <c>GET /status</c> lists.</summary>
    public const int UpcomingShown = 10;

    /// <summary>What is wrong with a document, each naming its field (for the form, before saving); empty when it can be saved.</summary>
    public static IReadOnlyList<string> Validate(ServiceHoursDocument? document) => ServiceHoursDocument.Problems(document);

    public async Task<ServiceHoursView> GetAsync(OperatorActor actor, CancellationToken cancellationToken)
    {
        OperatorChecks.RequireRole(actor, OperatorRole.Viewer);
        return View(await DatabaseServiceHours.ReadAsync(dataSource, cancellationToken));
    }

    /// <summary>
    /// Saves <paramref name="document"/> as the hours in force. invalid_request names every problem; conflict when the
    /// hours changed since <paramref name="expectedVersion"/> was read, or when the document is the one in force.
    /// </summary>
    public async Task<ServiceHoursView> SaveAsync(OperatorActor actor, ServiceHoursDocument document, long expectedVersion, string? reason, CancellationToken cancellationToken)
    {
        var why = OperatorChecks.RequireMutation(actor, OperatorRole.Admin, reason);
        if (Validate(document) is { Count: > 0 } problems)
        {
            throw OperatorChecks.Invalid("The service hours cannot be saved: " + string.Join("; ", problems));
        }

        var normalized = document.Normalize();
        return await ChangeAsync(actor, why, expectedVersion, normalized, cancellationToken);
    }

    /// <summary>Withdraws the operators' document: <c>BankLink:ServiceHours</c> applies again. Conflict when none is in force.</summary>
    public Task<ServiceHoursView> RevertToConfigurationAsync(OperatorActor actor, long expectedVersion, string? reason, CancellationToken cancellationToken)
    {
        var why = OperatorChecks.RequireMutation(actor, OperatorRole.Admin, reason);
        return ChangeAsync(actor, why, expectedVersion, null, cancellationToken);
    }

    private async Task<ServiceHoursView> ChangeAsync(OperatorActor actor, string why, long expectedVersion, ServiceHoursDocument? after, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            long version;
            ServiceHoursDocument? before;
            await using (var select = new NpgsqlCommand("SELECT version, document FROM service_hours WHERE id = 1 FOR UPDATE", connection, transaction))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                version = reader.GetInt64(0);
                before = reader.IsDBNull(1) ? null : ServiceHoursDocument.FromJson(reader.GetString(1));
            }

            if (version != expectedVersion)
            {
                throw OperatorChecks.Conflict($"The service hours changed meanwhile (version {version}, not {expectedVersion}): reload them and edit again.");
            }

            if (before is null && after is null)
            {
                throw OperatorChecks.Conflict("The configured service hours are in force already.");
            }

            if (before is not null && after is not null && before.SameAs(after))
            {
                throw OperatorChecks.Conflict("Nothing to change: these are the service hours in force.");
            }

            await using (var update = new NpgsqlCommand(
                "UPDATE service_hours SET version = version + 1, document = $1, updated_at = $2, updated_by = $3 WHERE id = 1", connection, transaction))
            {
                update.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.ToJson().ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                update.Parameters.AddWithValue(now);
                update.Parameters.AddWithValue(actor.LoginId.Length > 200 ? actor.LoginId[..200] : actor.LoginId);
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            await audit.AppendAsync(connection, transaction, OperatorChecks.Event(ProviderOperationEvents.ServiceHoursChanged, now, actor, why, null, new JsonObject
            {
                ["version"] = version + 1,
                ["before"] = Described(before),
                ["after"] = Described(after),
            }), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // This node applies it at once; the others at their next read.
        return View(await source.RefreshAsync(cancellationToken));
    }

    /// <summary>The hours before or after a change as the audit trail keeps them: the document, or the configuration's hours.</summary>
    private JsonObject Described(ServiceHoursDocument? document)
    {
        var json = (document ?? ServiceHoursDocument.FromSchedule(configured.Current)).ToJson();
        json["origin"] = document is null ? "configuration" : "operators";
        return json;
    }

    private ServiceHoursView View(StoredServiceHours stored)
    {
        var now = clock.GetUtcNow();
        var document = stored.Document ?? ServiceHoursDocument.FromSchedule(configured.Current);
        var schedule = document.ToSchedule();
        return new ServiceHoursView(
            stored.Version,
            stored.Document is null ? ServiceHoursOrigin.Configuration : ServiceHoursOrigin.Operators,
            document,
            stored.UpdatedAt,
            stored.UpdatedBy,
            schedule.StateAt(now),
            ServiceClosure.Next(schedule, now),
            schedule.UpcomingMaintenance(now, UpcomingShown));
    }

    /// <summary>"Next closure at … because …" in English, for logs and commands (the console words it per language).</summary>
    public static string Describe(ServiceClosure? closure)
    {
        if (closure is null)
        {
            return "The service stays open: around the clock, no maintenance planned.";
        }

        var because = closure.Reason == ClosedReason.Maintenance ? $"maintenance ({closure.WindowReason})" : "the weekly service hours";
        var until = closure.End is { } end ? end.ToOffset(JapanTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " (Japan time)" : "further notice";
        return closure.InProgress
            ? $"Closed now because of {because} until {until}."
            : $"Next closure at {closure.Start.ToOffset(JapanTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} (Japan time) because of {because}, until {until}.";
    }
}
