using System.Text.Json.Nodes;
using BankLink.Data.Operations.Providers;
using BankLink.Server.Commands;

namespace BankLink.Server.Tests;

/// <summary><c>service-hours show|set|revert</c>: the file format is what <c>show --json</c> prints; every problem of a file is listed.</summary>
[Collection("Console")]
public sealed class ServiceHoursCommandTests : OperatorCommandTestBase, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("banklink-hours-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<string> FileAsync(string content)
    {
        var path = Path.Combine(_directory, $"hours-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, content);
        return path;
    }

    private static string Document(string weekday = "09:00-17:00", string maintenanceStart = "2099-12-01T01:00:00+09:00") => $$"""
        {
          "monday": "{{weekday}}", "tuesday": "{{weekday}}", "wednesday": "{{weekday}}", "thursday": "{{weekday}}", "friday": "{{weekday}}",
          "saturday": "closed", "sunday": "closed",
          "outsideHours": "refuse",
          "maintenance": [ { "start": "{{maintenanceStart}}", "end": "2099-12-01T05:00:00+09:00", "reason": "core system upgrade" } ]
        }
        """;

    private Task<long> VersionAsync() => Database.ScalarAsync<long>("SELECT version FROM service_hours WHERE id = 1");

    [Fact]
    public async Task Show_Default_FromConfigurationWithTheNextClosure()
    {
        var (exit, output, _) = await RunAsync("service-hours", "show");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Service hours from configuration", output, StringComparison.Ordinal);
        Assert.Contains("monday", output, StringComparison.Ordinal);
        Assert.Contains("outside hours: ", output, StringComparison.Ordinal);
        Assert.Matches("(stays open|Next closure at|Closed now)", output);
    }

    [Fact]
    public async Task Set_ValidFile_SavedAuditedAndShown_SameFileAgainRefused()
    {
        var file = await FileAsync(Document());

        var (exit, output, _) = await RunAsync("service-hours", "set", file, "--reason", "new branch hours from December");
        var (showExit, shown, _) = await RunAsync("service-hours", "show");
        var (jsonExit, json, _) = await RunAsync("service-hours", "show", "--json");
        var (again, _, againError) = await RunAsync("service-hours", "set", await FileAsync(json), "--reason", "new branch hours from December");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Service hours saved (version 1)", output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, showExit);
        Assert.Contains($"Service hours set by operators (version 1", shown, StringComparison.Ordinal);
        Assert.Contains(CommandActor, shown, StringComparison.Ordinal);
        Assert.Contains("monday     09:00-17:00", shown, StringComparison.Ordinal);
        Assert.Contains("saturday   closed", shown, StringComparison.Ordinal);
        Assert.Contains("core system upgrade", shown, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, jsonExit);
        Assert.Equal("09:00-17:00", (string?)JsonNode.Parse(json)!["friday"]);
        Assert.Equal(ExitCodes.Refused, again);
        Assert.Contains("Nothing to change", againError, StringComparison.Ordinal);
        Assert.Equal((CommandActor, "new branch hours from December"), await LastEventAsync(ProviderOperationEvents.ServiceHoursChanged));
    }

    [Fact]
    public async Task Set_FileWithSeveralProblems_EachListedAndNothingSaved()
    {
        var file = await FileAsync("""
            {
              "monday": "9-17", "tuesday": "09:00-17:00", "wednesday": "10:00-12:00,11:00-13:00", "thursday": "09:00-17:00", "friday": "09:00-17:00",
              "saturday": "closed",
              "outsideHours": "sometimes",
              "holidays": [],
              "maintenance": [
                { "start": "2099-12-01T01:00:00", "end": "2099-12-01T05:00:00+09:00", "reason": "core system upgrade" },
                { "start": "2099-12-02T01:00:00+09:00", "end": "2099-12-02T05:00:00+09:00", "reason": "メンテナンス" }
              ]
            }
            """);

        var (exit, _, error) = await RunAsync("service-hours", "set", file, "--reason", "new branch hours from December");

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("nothing changed", error, StringComparison.Ordinal);
        Assert.Contains("monday:", error, StringComparison.Ordinal);
        Assert.Contains("wednesday: ranges overlap", error, StringComparison.Ordinal);
        Assert.Contains("sunday: give the day's hours", error, StringComparison.Ordinal);
        Assert.Contains("outsideHours: refuse or serve_last_known", error, StringComparison.Ordinal);
        Assert.Contains("'holidays' is no field", error, StringComparison.Ordinal);
        Assert.Contains("maintenance[0].start: a date and time with its offset", error, StringComparison.Ordinal);
        Assert.Contains("maintenance[1].reason: printable ASCII", error, StringComparison.Ordinal);
        Assert.Equal(0, await VersionAsync());
    }

    [Fact]
    public async Task Set_NotJsonOrMissingFileOrNoReason_RefusedOrInvalid()
    {
        Assert.Equal(ExitCodes.Refused, (await RunAsync("service-hours", "set", await FileAsync("monday: 09:00"), "--reason", "new branch hours")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("service-hours", "set", Path.Combine(_directory, "none.json"), "--reason", "new branch hours")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("service-hours", "set", await FileAsync(Document()))).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("service-hours", "set", await FileAsync(Document()), "--reason", "x")).ExitCode);
        Assert.Equal(0, await VersionAsync());
    }

    [Fact]
    public async Task Revert_AfterSet_ConfigurationAgain_SecondRevertRefused()
    {
        await RunAsync("service-hours", "set", await FileAsync(Document()), "--reason", "new branch hours from December");

        var (exit, output, _) = await RunAsync("service-hours", "revert", "--reason", "December hours cancelled");
        var (again, _, againError) = await RunAsync("service-hours", "revert", "--reason", "December hours cancelled");
        var (_, shown, _) = await RunAsync("service-hours", "show");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("The configured service hours apply again (version 2)", output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Refused, again);
        Assert.Contains("in force already", againError, StringComparison.Ordinal);
        Assert.Contains("Service hours from configuration", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_UnderFourEyes_PendingAndNothingSaved()
    {
        var (exit, output, _) = await RunAsync("service-hours", "set", await FileAsync(Document()), "--reason", "new branch hours from December",
            "--BankLink:Operators:FourEyes=service_hours_edit");

        Assert.Equal(ExitCodes.Success, exit);
        PendingId(output);
        Assert.Equal(0, await VersionAsync());
    }
}
