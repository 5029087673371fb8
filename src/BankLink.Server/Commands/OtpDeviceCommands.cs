using System.CommandLine;
using BankLink.Data.Otp;
using BankLink.Domain.Otp;
using BankLink.Server.Database;

namespace BankLink.Server.Commands;

/// <summary>
/// <c>otp-devices import FILE</c>: loads the hardware tokens the bank bought from the vendor's file
/// (<see cref="VendorDeviceFile"/>), so customers can register them by serial. Seeds are never printed.
/// </summary>
internal static class OtpDeviceCommands
{
    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("otp-devices", "Load the bank's hardware OTP tokens.");
        var file = new Argument<FileInfo>("file") { Description = $"The vendor's CSV: a header '{VendorDeviceFile.Header}', then one device per line." };
        var import = new Command("import", "Load hardware tokens from a vendor file, all or nothing; serials already loaded are skipped.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        import.Arguments.Add(file);
        import.SetAction((parse, ct) => guard(() => ImportAsync([.. parse.UnmatchedTokens], parse.GetValue(file)!, ct)));
        command.Subcommands.Add(import);
        return command;
    }

    private static async Task<int> ImportAsync(string[] args, FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"No file at {file.FullName}.");
            return ExitCodes.InvalidArguments;
        }

        // Checked in full before the database is touched: a bad line loads nothing.
        IReadOnlyList<VendorDevice> devices;
        using (var reader = file.OpenText())
        {
            var (parsed, errors) = VendorDeviceFile.Parse(reader);
            if (errors.Count > 0)
            {
                await Console.Error.WriteLineAsync($"{file.Name}: {errors.Count} line(s) cannot be loaded; nothing was imported:");
                foreach (var error in errors)
                {
                    await Console.Error.WriteLineAsync($"  line {error.Line}: {error.Reason}");
                }

                return ExitCodes.Refused;
            }

            devices = parsed;
        }

        await using var host = await CommandHost.CreateAsync(args);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancellationToken);
        var result = await host.Services.GetRequiredService<OtpDeviceStore>()
            .ImportHardwareDevicesAsync(devices, $"{Environment.UserName} (command line)", cancellationToken);
        await Console.Out.WriteLineAsync($"Imported {result.Imported} hardware token(s) from {file.Name}; they are in stock for customers to register.");
        if (result.AlreadyKnown.Count > 0)
        {
            await Console.Out.WriteLineAsync($"Skipped {result.AlreadyKnown.Count} serial number(s) already loaded: {string.Join(", ", result.AlreadyKnown)}");
        }

        return ExitCodes.Success;
    }
}
