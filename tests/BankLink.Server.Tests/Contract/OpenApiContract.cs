using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BankLink.Server.Tests.Contract;

/// <summary>
/// An OpenAPI 3.1 document from <c>openapi/</c> and the JSON Schema subset its contracts use: type, required,
/// properties, additionalProperties false, enum, const, items, oneOf, $ref to components, pattern, minimum,
/// maximum, maxItems, maxLength and the formats date, date-time, uri and uuid. Anything else in a schema fails
/// the check, so the contract cannot quietly use a keyword nobody validates.
/// </summary>
internal sealed class OpenApiContract
{
    private static readonly HashSet<string> Understood = new(StringComparer.Ordinal)
    {
        "$ref", "type", "required", "properties", "additionalProperties", "enum", "const", "items", "oneOf", "discriminator", "pattern", "format",
        "minimum", "maximum", "maxItems", "maxLength", "description", "default", "examples",
    };

    private readonly JsonElement _root;

    private OpenApiContract(JsonElement root) => _root = root;

    public static OpenApiContract Load(string fileName)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "BankLink.sln")))
        {
            directory = directory.Parent;
        }

        var path = Path.Combine(directory?.FullName ?? throw new InvalidOperationException("BankLink.sln not found above the test binaries."), "openapi", fileName);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return new OpenApiContract(document.RootElement.Clone());
    }

    public JsonElement Root => _root;

    /// <summary>The operation named <paramref name="operationId"/>, whatever its path.</summary>
    public JsonElement Operation(string operationId)
    {
        foreach (var path in _root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("operationId", out var id) && id.GetString() == operationId)
                {
                    return operation.Value;
                }
            }
        }

        throw new KeyNotFoundException($"No operation {operationId} in the contract.");
    }

    /// <summary>
    /// Fails unless the response is one the operation documents: its status, its media type, every required header,
    /// and a body valid against the schema.
    /// </summary>
    public void AssertConforms(string operationId, HttpResponseMessage response, string body)
    {
        var responses = Operation(operationId).GetProperty("responses");
        var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        Assert.True(responses.TryGetProperty(status, out var documented), $"{operationId} does not document status {status}: {body}");
        documented = Resolve(documented);
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
        Assert.True(documented.GetProperty("content").TryGetProperty(mediaType, out var content), $"{operationId} {status} does not document {mediaType}");
        if (documented.TryGetProperty("headers", out var headers))
        {
            foreach (var header in headers.EnumerateObject())
            {
                var definition = Resolve(header.Value);
                var present = response.Headers.TryGetValues(header.Name, out var values) || response.Content.Headers.TryGetValues(header.Name, out values);
                if (definition.TryGetProperty("required", out var required) && required.GetBoolean())
                {
                    Assert.True(present, $"{operationId} {status} lacks the required header {header.Name}");
                }

                if (present)
                {
                    var value = string.Join(", ", values!);
                    var schema = Resolve(definition.GetProperty("schema"));
                    var asJson = schema.TryGetProperty("type", out var type) && type.GetString() == "integer" ? value : JsonSerializer.Serialize(value);
                    using var headerValue = JsonDocument.Parse(asJson);
                    AssertValid(schema, headerValue.RootElement, $"header {header.Name}");
                }
            }
        }

        using var document = JsonDocument.Parse(body);
        AssertValid(content.GetProperty("schema"), document.RootElement, "$");
    }

    public void AssertValid(JsonElement schema, JsonElement value, string at)
    {
        var errors = new List<string>();
        Validate(schema, value, at, errors);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors) + Environment.NewLine + value.GetRawText());
    }

    /// <summary>The errors of <paramref name="value"/> against <paramref name="schema"/>; empty when valid.</summary>
    public IReadOnlyList<string> Errors(JsonElement schema, JsonElement value)
    {
        var errors = new List<string>();
        Validate(schema, value, "$", errors);
        return errors;
    }

    private JsonElement Resolve(JsonElement node)
    {
        while (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("$ref", out var reference))
        {
            var pointer = reference.GetString()!;
            Assert.StartsWith("#/", pointer, StringComparison.Ordinal);
            node = _root;
            foreach (var part in pointer[2..].Split('/'))
            {
                node = node.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }
        }

        return node;
    }

    private void Validate(JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        schema = Resolve(schema);
        foreach (var keyword in schema.EnumerateObject())
        {
            Assert.True(Understood.Contains(keyword.Name), $"The contract uses '{keyword.Name}' at {at}, which this validator does not check.");
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var matches = oneOf.EnumerateArray().Count(option => { var e = new List<string>(); Validate(option, value, at, e); return e.Count == 0; });
            if (matches != 1)
            {
                errors.Add($"{at}: matches {matches} of the oneOf options, not exactly one");
            }
        }

        if (schema.TryGetProperty("type", out var type) && !HasType(value, type))
        {
            errors.Add($"{at}: {value.ValueKind} is not of type {type.GetRawText()}");
            return;
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            errors.Add($"{at}: {value.GetRawText()} is not one of {allowed.GetRawText()}");
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
        {
            errors.Add($"{at}: {value.GetRawText()} is not {constant.GetRawText()}");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                ValidateObject(schema, value, at, errors);
                break;
            case JsonValueKind.Array:
                if (schema.TryGetProperty("maxItems", out var maxItems) && value.GetArrayLength() > maxItems.GetInt32())
                {
                    errors.Add($"{at}: more than {maxItems} items");
                }

                if (schema.TryGetProperty("items", out var items))
                {
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Validate(items, item, $"{at}[{i++}]", errors);
                    }
                }

                break;
            case JsonValueKind.String:
                ValidateString(schema, value.GetString()!, at, errors);
                break;
            case JsonValueKind.Number:
                if (schema.TryGetProperty("minimum", out var minimum) && value.GetDecimal() < minimum.GetDecimal())
                {
                    errors.Add($"{at}: {value} is below {minimum}");
                }

                if (schema.TryGetProperty("maximum", out var maximum) && value.GetDecimal() > maximum.GetDecimal())
                {
                    errors.Add($"{at}: {value} is above {maximum}");
                }

                break;
        }
    }

    private void ValidateObject(JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(n => n.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    errors.Add($"{at}: lacks the required member {name}");
                }
            }
        }

        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        var closed = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
        foreach (var member in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(member.Name, out var memberSchema))
            {
                Validate(memberSchema, member.Value, $"{at}.{member.Name}", errors);
            }
            else if (closed)
            {
                errors.Add($"{at}: member {member.Name} is not in the contract");
            }
        }
    }

    private static void ValidateString(JsonElement schema, string text, string at, List<string> errors)
    {
        if (schema.TryGetProperty("maxLength", out var maxLength) && text.Length > maxLength.GetInt32())
        {
            errors.Add($"{at}: longer than {maxLength}");
        }

        if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            errors.Add($"{at}: '{text}' does not match {pattern}");
        }

        if (schema.TryGetProperty("format", out var format))
        {
            var valid = format.GetString() switch
            {
                "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                "date-time" => Rfc3339().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                "uri" => Uri.TryCreate(text, UriKind.Absolute, out _),
                "uuid" => Guid.TryParseExact(text, "D", out _),
                var other => throw new InvalidOperationException($"The validator does not know the format {other}."),
            };
            if (!valid)
            {
                errors.Add($"{at}: '{text}' is not a {format}");
            }
        }
    }

    private static bool HasType(JsonElement value, JsonElement type) => type.ValueKind == JsonValueKind.Array
        ? type.EnumerateArray().Any(t => HasType(value, t.GetString()!))
        : HasType(value, type.GetString()!);

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => throw new InvalidOperationException($"Unknown JSON Schema type {type}."),
    };

    private static Regex Rfc3339() => new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.None, TimeSpan.FromSeconds(1));
}

/// <summary>A response as the contract tests keep it: status, headers and the body read once.</summary>
internal sealed record ContractResponse(HttpResponseMessage Message, string Body)
{
    public HttpStatusCode Status => Message.StatusCode;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
