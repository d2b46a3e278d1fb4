using System.Net.Http.Headers;

namespace Emx.Integration.Tests.Infrastructure;

/// <summary>One error of an RFC 9457 rejection: which object, which field, why.</summary>
public sealed record ProblemError(string Kind, string Key, string Field, string Reason)
{
    public override string ToString() => $"{Kind} '{Key}' {Field}: {Reason}";
}

/// <summary>What the node answered, with assertions whose failure message shows the request and the whole body.</summary>
public sealed class ApiResponse
{
    private const int MaxBodyInMessage = 6000;

    public ApiResponse(HttpMethod method, Uri uri, HttpStatusCode status, string body, HttpResponseHeaders headers, HttpContentHeaders contentHeaders)
    {
        Method = method;
        Uri = uri;
        Status = status;
        Body = body;
        Headers = headers;
        ContentHeaders = contentHeaders;
    }

    public HttpMethod Method { get; }

    public Uri Uri { get; }

    public HttpStatusCode Status { get; }

    public string Body { get; }

    public HttpResponseHeaders Headers { get; }

    public HttpContentHeaders ContentHeaders { get; }

    /// <summary>The body as JSON (fails the test, showing the body, when it is not JSON).</summary>
    public JsonElement Json
    {
        get
        {
            try
            {
                using var document = JsonDocument.Parse(Body);
                return document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                Assert.Fail(Describe($"the body is not JSON ({ex.Message})"));
                throw;
            }
        }
    }

    /// <summary>The <c>errors</c> of a problem-details rejection.</summary>
    public IReadOnlyList<ProblemError> Errors =>
        Json.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? errors.EnumerateArray().Select(e => new ProblemError(
                e.GetProperty("kind").GetString() ?? "", e.GetProperty("key").GetString() ?? "",
                e.GetProperty("field").GetString() ?? "", e.GetProperty("reason").GetString() ?? "")).ToList()
            : [];

    /// <summary>Fails unless the status is <paramref name="expected"/>.</summary>
    public ApiResponse ShouldBe(HttpStatusCode expected)
    {
        if (Status != expected)
        {
            Assert.Fail(Describe($"expected {(int)expected} {expected}"));
        }

        return this;
    }

    /// <summary>Fails unless this is a 400 rejection (problem details with <c>errors</c>) listing an error for the field.</summary>
    public ProblemError ShouldReject(string kind, string key, string field, string? reasonContains = null, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        ShouldBe(status);
        if (ContentHeaders.ContentType?.MediaType != "application/problem+json")
        {
            Assert.Fail(Describe($"a rejection must be RFC 9457 problem details (application/problem+json), not {ContentHeaders.ContentType}"));
        }

        var match = Errors.FirstOrDefault(e => e.Kind == kind && e.Key == key && e.Field == field
            && (reasonContains is null || e.Reason.Contains(reasonContains, StringComparison.OrdinalIgnoreCase)));
        if (match is null)
        {
            Assert.Fail(Describe($"expected an error {kind} '{key}' {field}{(reasonContains is null ? "" : $" mentioning '{reasonContains}'")}; got:\n  "
                + string.Join("\n  ", Errors)));
        }

        if (string.IsNullOrWhiteSpace(match.Reason))
        {
            Assert.Fail(Describe($"the error for {kind} '{key}' {field} gives no reason"));
        }

        return match;
    }

    /// <summary>A failure message: the request, the status and the body.</summary>
    public string Describe(string heading)
    {
        var body = Body.Length > MaxBodyInMessage ? Body[..MaxBodyInMessage] + $"... ({Body.Length} characters)" : Body;
        return $"{heading}\n{Method} {Uri} answered {(int)Status} {Status}:\n{body}";
    }

    public override string ToString() => $"{Method} {Uri} -> {(int)Status}";
}

/// <summary>What an apply did (the body of a successful POST /api/v1/provision).</summary>
public sealed record ApplySummary(int Created, int Updated, int Unchanged, int EmccDevicesInserted)
{
    public static ApplySummary From(JsonElement json) => new(
        json.GetProperty("created").GetInt32(), json.GetProperty("updated").GetInt32(),
        json.GetProperty("unchanged").GetInt32(), json.GetProperty("emccDevicesInserted").GetInt32());
}
