namespace Emx.Domain.Tests;

public sealed class SecretHasherTests
{
    private const int FastIterations = 1000;

    [Fact]
    public void Verify_RightSecret_True()
    {
        var stored = SecretHasher.Hash("s3cret-Pässword", FastIterations);

        Assert.True(SecretHasher.Verify("s3cret-Pässword", stored));
    }

    [Theory]
    [InlineData("s3cret-Password")]
    [InlineData("s3cret-pässword")]
    [InlineData("")]
    [InlineData("s3cret-Pässword ")]
    public void Verify_WrongSecret_False(string attempt)
    {
        var stored = SecretHasher.Hash("s3cret-Pässword", FastIterations);

        Assert.False(SecretHasher.Verify(attempt, stored));
    }

    [Fact]
    public void Hash_EmptySecret_VerifiesOnlyEmpty()
    {
        var stored = SecretHasher.Hash("", FastIterations);

        Assert.True(SecretHasher.Verify("", stored));
        Assert.False(SecretHasher.Verify("x", stored));
    }

    [Fact]
    public void Hash_Format_IsSchemeIterationsSaltHash()
    {
        var parts = SecretHasher.Hash("1234", FastIterations).Split('$');

        Assert.Equal(4, parts.Length);
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("1000", parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
    }

    [Fact]
    public void Hash_SameSecretTwice_DiffersBySalt()
    {
        var first = SecretHasher.Hash("1234", FastIterations);
        var second = SecretHasher.Hash("1234", FastIterations);

        Assert.NotEqual(first, second);
        Assert.NotEqual(first.Split('$')[2], second.Split('$')[2]);
        Assert.True(SecretHasher.Verify("1234", first));
        Assert.True(SecretHasher.Verify("1234", second));
    }

    [Fact]
    public void Verify_StoredIterationCount_IsHonoured()
    {
        var stored = SecretHasher.Hash("1234", FastIterations);
        var parts = stored.Split('$');
        var relabelled = string.Join('$', parts[0], "1001", parts[2], parts[3]);

        Assert.True(SecretHasher.Verify("1234", stored));
        Assert.False(SecretHasher.Verify("1234", relabelled));
    }

    [Fact]
    public void Verify_KnownVector_MatchesPbkdf2HmacSha256()
    {
        // The widely published PBKDF2-HMAC-SHA256 vector: P = "password", S = "salt", c = 1, dkLen = 32.
        var salt = Convert.ToBase64String("salt"u8.ToArray());
        var hash = Convert.ToBase64String(Convert.FromHexString("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"));

        Assert.True(SecretHasher.Verify("password", $"pbkdf2-sha256$1${salt}${hash}"));
        Assert.False(SecretHasher.Verify("password", $"pbkdf2-sha256$2${salt}${hash}"));
    }

    [Fact]
    public void HashPassword_UsesPasswordIterations()
    {
        var stored = SecretHasher.HashPassword("correct-horse");

        Assert.Equal("600000", stored.Split('$')[1]);
        Assert.Equal(SecretHasher.PasswordIterations, SecretHasher.DefaultIterations);
        Assert.True(SecretHasher.Verify("correct-horse", stored));
    }

    [Fact]
    public void HashPin_UsesPinIterations()
    {
        var stored = SecretHasher.HashPin("12345");

        Assert.Equal("25000", stored.Split('$')[1]);
        Assert.True(SecretHasher.Verify("12345", stored));
        Assert.False(SecretHasher.Verify("12346", stored));
    }

    [Fact]
    public void IterationConstants_PasswordsCostMoreThanPins()
    {
        Assert.Equal(600_000, SecretHasher.PasswordIterations);
        Assert.Equal(25_000, SecretHasher.PinIterations);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1234")]
    [InlineData("bcrypt$1000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==")]
    [InlineData("PBKDF2-SHA256$1000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$0$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$-1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$abc$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$99999999999$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$!!not-base64!!$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$!!not-base64!!")]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==")]
    [InlineData("pbkdf2-sha256$1000")]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==$extra")]
    public void Verify_MalformedStoredValue_False(string? stored)
    {
        Assert.False(SecretHasher.Verify("1234", stored));
    }

    [Fact]
    public void Verify_WellFormedButTamperedHash_False()
    {
        var parts = SecretHasher.Hash("1234", FastIterations).Split('$');
        var hash = Convert.FromBase64String(parts[3]);
        hash[0] ^= 1;

        Assert.False(SecretHasher.Verify("1234", string.Join('$', parts[0], parts[1], parts[2], Convert.ToBase64String(hash))));
    }

    [Fact]
    public void Hash_NullSecret_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => SecretHasher.Hash(null!, FastIterations));
    }
}
