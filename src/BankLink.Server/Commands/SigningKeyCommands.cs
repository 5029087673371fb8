using System.CommandLine;
using System.Globalization;
using BankLink.Data.Keys;
using BankLink.Jose;
using BankLink.Server.Database;

namespace BankLink.Server.Commands;

/// <summary><c>signing-keys list|rotate</c>: see the server's signing keys and rotate them now (for example after a suspected compromise).</summary>
internal static class SigningKeyCommands
{
    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("signing-keys", "List or rotate the authorization server's signing keys.");

        var list = new Command("list", "List signing keys: algorithm, kid, when each signs and until when it is published.") { TreatUnmatchedTokensAsErrors = false };
        list.SetAction((parse, ct) => guard(() => ListAsync([.. parse.UnmatchedTokens], ct)));
        command.Subcommands.Add(list);

        var algorithm = new Option<string[]>("--alg") { Description = "Only these algorithms (ES256, PS256, RS256); all when omitted.", AllowMultipleArgumentsPerToken = true };
        var rotate = new Command("rotate", "A new key signs from now; the current one retires and stays published until its tokens expire.") { TreatUnmatchedTokensAsErrors = false };
        rotate.Options.Add(algorithm);
        rotate.SetAction((parse, ct) => guard(() => RotateAsync([.. parse.UnmatchedTokens], parse.GetValue(algorithm) ?? [], ct)));
        command.Subcommands.Add(rotate);
        return command;
    }

    private static async Task<int> ListAsync(string[] args, CancellationToken cancellationToken)
    {
        await using var host = await CommandHost.CreateAsync(args);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancellationToken);
        var ring = host.Services.GetRequiredService<SigningKeyRing>();
        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var key in await ring.ListAsync(cancellationToken))
        {
            var state = key.SignsAt(now) ? "signing" : key.ActiveFrom > now ? "upcoming" : key.IsPublishedAt(now) ? "retired" : "expired";
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{JwsAlgorithms.GetName(key.Algorithm),-6} {key.Kid,-32} {state,-9} signs {key.ActiveFrom:yyyy-MM-dd HH:mm}Z..{key.RetireAt:yyyy-MM-dd HH:mm}Z, published until {key.ExpiresAt:yyyy-MM-dd HH:mm}Z"));
        }

        return ExitCodes.Success;
    }

    private static async Task<int> RotateAsync(string[] args, string[] algorithmNames, CancellationToken cancellationToken)
    {
        var algorithms = new List<JwsAlgorithm>();
        foreach (var name in algorithmNames)
        {
            if (!JwsAlgorithms.TryParse(name, out var algorithm))
            {
                await Console.Error.WriteLineAsync($"Unknown algorithm '{name}'; use ES256, PS256 or RS256.");
                return ExitCodes.InvalidArguments;
            }

            algorithms.Add(algorithm);
        }

        await using var host = await CommandHost.CreateAsync(args);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancellationToken);
        var created = await host.Services.GetRequiredService<SigningKeyRing>().RotateNowAsync(algorithms.Count > 0 ? algorithms : SigningKeyRing.Algorithms, cancellationToken);
        foreach (var key in created)
        {
            await Console.Out.WriteLineAsync($"{JwsAlgorithms.GetName(key.Algorithm)}: {key.Kid} signs from now; the previous key stays published until its tokens expire.");
        }

        return ExitCodes.Success;
    }
}
