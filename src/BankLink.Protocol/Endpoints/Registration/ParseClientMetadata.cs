using System.Text.Json;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>RFC 7591 §3.1: the body is one JSON object of metadata; a member sent twice is refused, not guessed at.</summary>
public sealed class ParseClientMetadata : IStep<RegistrationContext>
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Body is null)
        {
            context.Reject(ErrorCatalogue.MalformedBody, "body not application/json, or too large");
            return ValueTask.CompletedTask;
        }

        try
        {
            using var document = JsonDocument.Parse(context.Body, Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                context.Reject(ErrorCatalogue.MetadataNotAnObject, "body is JSON but not an object");
            }
            else
            {
                context.Request = document.RootElement.Clone();
            }
        }
        catch (JsonException e)
        {
            context.Reject(ErrorCatalogue.MetadataNotAnObject, "body is not JSON: " + e.Message);
        }

        return ValueTask.CompletedTask;
    }
}
