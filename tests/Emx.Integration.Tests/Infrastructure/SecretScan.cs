namespace Emx.Integration.Tests.Infrastructure;

/// <summary>
/// No response may carry a secret: no pin/password/pinHash/passwordHash property anywhere, no stored hash, and none of
/// the clear-text secrets the examples and tests use. Every response of a <see cref="TestNode"/> client is checked.
/// </summary>
public static class SecretScan
{
    private static readonly string[] SecretProperties = ["pin", "password", "pinHash", "passwordHash"];

    /// <summary>The clear-text secrets of the example files and the test administrator.</summary>
    public static readonly IReadOnlyList<string> KnownSecrets =
        ["24680", "13579", "alice-password-1", "emapi-secret", "change-me-now", "emx-lab-admin", TestNode.AdminPassword, "pbkdf2-sha256$"];

    /// <summary>Fails when <paramref name="body"/> carries a secret.</summary>
    public static void AssertNoSecrets(string body, string context, bool checkFieldNames = true)
    {
        foreach (var secret in KnownSecrets)
        {
            if (body.Contains(secret, StringComparison.Ordinal))
            {
                Assert.Fail($"{context}: the response contains the secret '{secret}':\n{Truncate(body)}");
            }
        }

        if (!checkFieldNames)
        {
            return;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return;
        }

        var path = FindSecretProperty(node, "$");
        if (path is not null)
        {
            Assert.Fail($"{context}: the response has a secret field at {path}:\n{Truncate(body)}");
        }
    }

    private static string? FindSecretProperty(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (SecretProperties.Contains(name, StringComparer.OrdinalIgnoreCase))
                    {
                        return $"{path}.{name}";
                    }

                    if (FindSecretProperty(value, $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (FindSecretProperty(array[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string Truncate(string body) => body.Length > 4000 ? body[..4000] + "..." : body;
}

/// <summary>Checks every response body for secrets before the test sees it.</summary>
public sealed class SecretScanningHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        // The OpenAPI document describes the input schema, which has pin and password fields; it must still carry no secret.
        var isSchema = request.RequestUri?.AbsolutePath.StartsWith("/openapi/", StringComparison.Ordinal) == true;
        SecretScan.AssertNoSecrets(body, $"{request.Method} {request.RequestUri}", checkFieldNames: !isSchema);
        return response;
    }
}
