using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Emx.Cluster.Security;
using Emx.Domain.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Emx.Web.Admin;

/// <summary>HTTP Basic authentication of application users in Standard CCM Super Users, for the admin API.</summary>
internal sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AdminCredentials credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Basic";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, SchemeName, StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return AuthenticateResult.NoResult();
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return AuthenticateResult.Fail("malformed Basic credentials");
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || decoded.Length > 1024)
        {
            return AuthenticateResult.Fail("malformed Basic credentials");
        }

        var userId = decoded[..colon];
        var result = await credentials.CheckAsync(userId, decoded[(colon + 1)..], AccessControlGroup.StandardCcmSuperUsers, Context.RequestAborted);
        switch (result)
        {
            case CredentialCheck.Accepted:
                var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, userId)], SchemeName);
                return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
            case CredentialCheck.NotAuthorized:
                var noRights = new ClaimsIdentity([new Claim(ClaimTypes.Name, userId), new Claim("emx:noAdminRights", "true")], SchemeName);
                return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(noRights), SchemeName));
            case CredentialCheck.LockedOut:
                return AuthenticateResult.Fail("account locked by the credential policy");
            default:
                return AuthenticateResult.Fail("invalid credentials");
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Basic realm=\"emx\", charset=\"UTF-8\"";
        return base.HandleChallengeAsync(properties);
    }
}
