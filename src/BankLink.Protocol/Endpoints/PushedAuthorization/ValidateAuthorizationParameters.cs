using System.Globalization;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>
/// The OAuth and OpenID Connect parameters people and pages act on: state (RFC 6749 §4.1.1), nonce, prompt
/// and max_age (OIDC Core §3.1.2.1: prompt=none may not be combined), login_hint, ui_locales (ja, en).
/// Characters are limited to printable ASCII where the value is echoed in a redirect.
/// </summary>
public sealed class ValidateAuthorizationParameters : IStep<PushedAuthorizationContext>
{
    private static readonly HashSet<string> PromptValues = [Prompts.None, Prompts.Login, Prompts.Consent];

    public ValueTask ExecuteAsync(PushedAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        foreach (var name in new[] { Parameters.State, Parameters.Nonce, Parameters.LoginHint, Parameters.UiLocales })
        {
            var value = request.Get(name);
            if (value is null)
            {
                continue;
            }

            if (value.Any(c => c is < '\x20' or > '\x7E'))
            {
                context.Reject(ErrorCatalogue.AuthorizationParameterInvalid, name + " has characters outside printable ASCII");
                return ValueTask.CompletedTask;
            }

            context.Validated[name] = value;
        }

        if (request.Get(Parameters.Prompt) is { } prompt)
        {
            var values = prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (values.Length == 0 || !values.All(PromptValues.Contains) || (values.Contains(Prompts.None) && values.Length > 1))
            {
                context.Reject(ErrorCatalogue.AuthorizationParameterInvalid, "prompt " + prompt);
                return ValueTask.CompletedTask;
            }

            context.Validated[Parameters.Prompt] = string.Join(' ', values.Distinct(StringComparer.Ordinal));
        }

        if (request.Get(Parameters.MaxAge) is { } maxAge)
        {
            if (!int.TryParse(maxAge, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                context.Reject(ErrorCatalogue.AuthorizationParameterInvalid, "max_age " + maxAge);
                return ValueTask.CompletedTask;
            }

            context.Validated[Parameters.MaxAge] = seconds;
        }

        return ValueTask.CompletedTask;
    }
}
