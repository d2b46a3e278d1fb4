using System.Diagnostics;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Emx.Domain.Routing;

namespace Emx.Domain.Tests.Routing;

/// <summary>CUCM route pattern wildcards matched en bloc, the discard point, and the closest-match count.</summary>
public sealed class DigitPatternTests
{
    [Theory]
    [InlineData("1234", "1234", true)]
    [InlineData("1234", "1235", false)]
    [InlineData("1234", "123", false)]
    [InlineData("1234", "12345", false)]
    [InlineData("12XX", "1200", true)]
    [InlineData("12XX", "1299", true)]
    [InlineData("12XX", "1300", false)]
    [InlineData("12XX", "12*0", false)]
    [InlineData("12XX", "120#", false)]
    [InlineData("12XX", "120", false)]
    [InlineData("1!", "1", false)]
    [InlineData("1!", "10", true)]
    [InlineData("1!", "19999999999999999999", true)]
    [InlineData("1!", "1#", false)]
    [InlineData("1!", "2000", false)]
    [InlineData("[2-4]00", "200", true)]
    [InlineData("[2-4]00", "400", true)]
    [InlineData("[2-4]00", "500", false)]
    [InlineData("[2-4]00", "100", false)]
    [InlineData("[135]0", "30", true)]
    [InlineData("[135]0", "20", false)]
    [InlineData("[1-35-7]", "6", true)]
    [InlineData("[1-35-7]", "4", false)]
    [InlineData("13[^3-9]6", "1306", true)]
    [InlineData("13[^3-9]6", "1326", true)]
    [InlineData("13[^3-9]6", "13*6", true)]
    [InlineData("13[^3-9]6", "13#6", true)]
    [InlineData("13[^3-9]6", "1336", false)]
    [InlineData("13[^3-9]6", "1396", false)]
    [InlineData("[^0-9]", "*", true)]
    [InlineData("[^0-9]", "5", false)]
    [InlineData("91X?", "91", true)]
    [InlineData("91X?", "910", true)]
    [InlineData("91X?", "91234567", true)]
    [InlineData("91X?", "9", false)]
    [InlineData("91X?", "92", false)]
    [InlineData("91X+", "91", false)]
    [InlineData("91X+", "910", true)]
    [InlineData("91X+", "9123456", true)]
    [InlineData("1?2", "2", true)]
    [InlineData("1?2", "12", true)]
    [InlineData("1?2", "1112", true)]
    [InlineData("1?2", "122", false)]
    [InlineData("1+2", "2", false)]
    [InlineData("1+2", "112", true)]
    [InlineData("[12]+3", "121213", true)]
    [InlineData("[12]+3", "1233", false)]
    [InlineData("5!?", "5", true)]
    [InlineData("5!?", "5123", true)]
    [InlineData("5!+", "5", false)]
    [InlineData("5!+", "51", true)]
    [InlineData("X+X+", "1", false)]
    [InlineData("X+X+", "12", true)]
    [InlineData("\\+1!", "+1212", true)]
    [InlineData("\\+1!", "1212", false)]
    [InlineData("\\+1!", "+2212", false)]
    [InlineData("\\+1!", "++1212", false)]
    [InlineData("1!", "+1212", false)]
    [InlineData("*67XXXX", "*671234", true)]
    [InlineData("*67XXXX", "671234", false)]
    [InlineData("*67XXXX", "#671234", false)]
    [InlineData("#XX", "#12", true)]
    [InlineData("9.!#", "9123#", true)]
    [InlineData("9.!#", "9123", false)]
    [InlineData("9.1[2-9]XX[2-9]XXXXXX", "912125551234", true)]
    [InlineData("9.1[2-9]XX[2-9]XXXXXX", "911125551234", false)]
    [InlineData("9.1[2-9]XX[2-9]XXXXXX", "912121551234", false)]
    public void TryMatch_DialedString_MatchesAsCucm(string pattern, string dialed, bool expected)
    {
        Assert.Equal(expected, DigitPattern.Compile(pattern).TryMatch(dialed, out _));
    }

    [Theory]
    [InlineData("12a4")]
    [InlineData("12 4")]
    [InlineData("1+2")]
    [InlineData("")]
    public void TryMatch_NotADialString_ReturnsFalse(string dialed)
    {
        Assert.False(DigitPattern.Compile("!?X?[^0-9]?").TryMatch(dialed, out _));
        Assert.False(DigitPattern.Compile("X!").TryMatch(dialed, out _));
    }

    [Fact]
    public void TryMatch_LongestDialString_MatchesAndOneMoreDoesNot()
    {
        var pattern = DigitPattern.Compile("1!");

        Assert.True(pattern.TryMatch("1" + new string('2', DialString.MaxLength - 1), out var match));
        Assert.Equal(DialString.MaxLength, match.Length);
        Assert.False(pattern.TryMatch("1" + new string('2', DialString.MaxLength), out _));
    }

    [Theory]
    [InlineData("9.1XXX", "91234", 1)]
    [InlineData("9.1[2-9]XX[2-9]XXXXXX", "912125551234", 1)]
    [InlineData("XX.XX", "1234", 2)]
    [InlineData("\\+44.XXXX", "+441234", 3)]
    [InlineData("9+.XXXX", "99991234", 4)]
    [InlineData("9.!#", "9123#", 1)]
    [InlineData("X?.X", "5", 0)]
    [InlineData("X?.X", "12345", 4)]
    [InlineData("X+.X+", "12345", 4)]
    [InlineData("1!.#", "1234#", 4)]
    [InlineData("*8.2!", "*8234", 2)]
    public void TryMatch_DiscardPoint_ReportsDigitsBeforeDot(string pattern, string dialed, int preDot)
    {
        var compiled = DigitPattern.Compile(pattern);

        Assert.True(compiled.HasDiscardPoint);
        Assert.True(compiled.TryMatch(dialed, out var match));
        Assert.Equal(preDot, match.PreDotLength);
    }

    [Fact]
    public void TryMatch_NoDot_PreDotLengthZero()
    {
        var compiled = DigitPattern.Compile("12XX");

        Assert.False(compiled.HasDiscardPoint);
        Assert.True(compiled.TryMatch("1234", out var match));
        Assert.Equal(new PatternMatch(0, 4), match);
    }

    [Theory]
    [InlineData("1234", 4, "1")]
    [InlineData("121X", 4, "10")]
    [InlineData("12XX", 4, "100")]
    [InlineData("1[2-3]XX", 4, "200")]
    [InlineData("1[3-5]XX", 4, "300")]
    [InlineData("1XXX", 4, "1000")]
    [InlineData("1!", 4, "1000")]
    [InlineData("15!", 4, "100")]
    [InlineData("15!", 6, "10000")]
    [InlineData("13[^3-9]6", 4, "5")]
    [InlineData("[^0-9]", 1, "2")]
    [InlineData("X+X+", 3, "1000")]
    [InlineData("X?X?", 2, "100")]
    [InlineData("1?2", 3, "1")]
    [InlineData("\\+1!", 5, "1000")]
    [InlineData("9.1[2-9]XX[2-9]XXXXXX", 12, "6400000000")]
    [InlineData("12XX", 3, "0")]
    [InlineData("12XX", 5, "0")]
    [InlineData("1!", 1, "0")]
    [InlineData("1!", 64, "1000000000000000000000000000000000000000000000000000000000000000")]
    public void MatchCount_OfDialedLength_CountsDistinctStrings(string pattern, int length, string expected)
    {
        Assert.Equal(BigInteger.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), DigitPattern.Compile(pattern).MatchCount(length));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65)]
    public void MatchCount_OutsideDialLengths_Zero(int length)
    {
        Assert.Equal(BigInteger.Zero, DigitPattern.Compile("X?").MatchCount(length));
    }

    [Fact]
    public void MatchCount_ClassicExample_OrdersFromExactToUnbounded()
    {
        var counts = new[] { "1234", "12XX", "1[2-3]XX", "1XXX" }.Select(p => DigitPattern.Compile(p).MatchCount(4)).ToList();

        Assert.Equal(counts.Order(), counts);
        Assert.Equal(4, counts.Distinct().Count());
    }

    [Theory]
    [InlineData("1234", 4, 4)]
    [InlineData("9.1XXX", 5, 5)]
    [InlineData("\\+44XX", 5, 5)]
    [InlineData("1!", 2, null)]
    [InlineData("1X?", 1, null)]
    [InlineData("1X+", 2, null)]
    public void Lengths_FixedAndUnbounded(string pattern, int min, int? max)
    {
        var compiled = DigitPattern.Compile(pattern);

        Assert.Equal(min, compiled.MinLength);
        Assert.Equal(max, compiled.MaxLength);
        Assert.Equal(max is not null, compiled.IsFixedLength);
        Assert.Equal(pattern, compiled.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("9..1")]
    [InlineData("[12")]
    [InlineData("abc")]
    [InlineData("9@")]
    [InlineData("?1")]
    [InlineData("\\+")]
    [InlineData(".1")]
    [InlineData("1.")]
    [InlineData("1234567890123456789012345678901234567890123456789")]
    public void TryCompile_InvalidPattern_ReturnsFalse(string? pattern)
    {
        Assert.False(DigitPattern.TryCompile(pattern, out var compiled));
        Assert.Null(compiled);
    }

    [Fact]
    public void Compile_InvalidPattern_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => DigitPattern.Compile("9..1"));
    }

    [Fact]
    public void TryCompile_AcceptsExactlyWhatRoutePatternRulesAccepts()
    {
        var random = new Random(20260101);
        const string alphabet = "0123456789*#X!?+.[]^-\\@a";
        var valid = 0;
        for (var n = 0; n < 20_000; n++)
        {
            var pattern = RandomString(random, alphabet, random.Next(1, 12));

            Assert.Equal(RoutePatternRules.IsValid(pattern), DigitPattern.TryCompile(pattern, out _));
            valid += RoutePatternRules.IsValid(pattern) ? 1 : 0;
        }

        Assert.True(valid > 500, $"only {valid} valid patterns generated");
    }

    [Fact]
    public void TryMatch_RandomPatterns_AgreesWithRegexOracle()
    {
        var random = new Random(424242);
        var patterns = 0;
        while (patterns < 400)
        {
            var text = RandomPattern(random);
            if (!DigitPattern.TryCompile(text, out var compiled))
            {
                continue;
            }

            patterns++;
            var (whole, pre, post) = Oracle(text);
            for (var n = 0; n < 60; n++)
            {
                var dialed = RandomDialed(random, text);
                var matched = compiled.TryMatch(dialed, out var match);

                Assert.True((dialed.Length > 0 && whole.IsMatch(dialed)) == matched, $"{text} vs {dialed}: expected {!matched}");
                if (matched && compiled.HasDiscardPoint)
                {
                    var k = match.PreDotLength;
                    Assert.True(pre!.IsMatch(dialed[..k]) && post!.IsMatch(dialed[k..]), $"{text} vs {dialed}: split at {k}");
                    for (var longer = k + 1; longer <= dialed.Length; longer++)
                    {
                        Assert.False(pre.IsMatch(dialed[..longer]) && post.IsMatch(dialed[longer..]), $"{text} vs {dialed}: {longer} > {k}");
                    }
                }
            }
        }
    }

    [Fact]
    public void MatchCount_RandomPatterns_AgreesWithBruteForce()
    {
        var random = new Random(777);
        var patterns = 0;
        while (patterns < 60)
        {
            var text = RandomPattern(random, maxElements: 4);
            if (!DigitPattern.TryCompile(text, out var compiled))
            {
                continue;
            }

            patterns++;
            var (whole, _, _) = Oracle(text);
            for (var length = 1; length <= 3; length++)
            {
                var expected = AllStrings(length).Count(whole.IsMatch);
                Assert.True(expected == compiled.MatchCount(length), $"{text} at length {length}: expected {expected}, got {compiled.MatchCount(length)}");
            }
        }
    }

    [Theory]
    [InlineData("[12]+[13]+[23]+[12]+[13]+[23]+[12]+[13]+[23]+")]
    [InlineData("X?X?X?X?X?X?X?X?X?X?X?X?X?X?X?X?X?X?X?X?X?X?X?X?")]
    [InlineData("1+2+1+2+1+2+1+2+1+2+1+2+1+2+1+2+1+2+1+2+1+2+1+2")]
    [InlineData("[1-2]?[2-3]?[3-4]?[4-5]?[5-6]?[6-7]?[7-8]?[8-9]?")]
    [InlineData("X!X!X!X!X!X!X!X!X!X!X!X!X!X!X!X!X!X!X!X!X!X!X!X!")]
    [InlineData("X?1XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX")]
    [InlineData("[12]?1[12][12][12][12][12][12][12][12][12][12]")]
    public void Compile_AdversarialPattern_CompilesAndMatchesQuickly(string pattern)
    {
        var clock = Stopwatch.StartNew();
        var compiled = DigitPattern.Compile(pattern);
        var dialed = new string('1', DialString.MaxLength);
        for (var n = 0; n < 1000; n++)
        {
            compiled.TryMatch(dialed, out _);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{pattern} took {clock.Elapsed}");
    }

    [Fact]
    public void MatchCount_PatternWithExponentialAutomaton_StillCountsItsStrings()
    {
        // "Some digit string, then 1, then 45 digits": telling the strings apart needs 2^45 automaton states. The
        // count falls back to parses, which this pattern has one of per string (X? takes the extra length).
        var compiled = DigitPattern.Compile("X?1" + new string('X', 45));

        Assert.Equal(BigInteger.Zero, compiled.MatchCount(45));
        Assert.Equal(BigInteger.Pow(10, 45), compiled.MatchCount(46));
        Assert.Equal(BigInteger.Pow(10, 46), compiled.MatchCount(47));
        Assert.Equal(BigInteger.Pow(10, 62), compiled.MatchCount(63));
        Assert.True(compiled.TryMatch("9991" + new string('0', 45), out _));
        Assert.False(compiled.TryMatch("9992" + new string('0', 45), out _));
    }

    private static readonly char[] Symbols = "0123456789*#+".ToCharArray();

    private static IEnumerable<string> AllStrings(int length)
    {
        var total = (int)Math.Pow(Symbols.Length, length);
        var buffer = new char[length];
        for (var n = 0; n < total; n++)
        {
            var v = n;
            for (var i = 0; i < length; i++)
            {
                buffer[i] = Symbols[v % Symbols.Length];
                v /= Symbols.Length;
            }

            yield return new string(buffer);
        }
    }

    private static string RandomString(Random random, string alphabet, int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return builder.ToString();
    }

    private static string RandomPattern(Random random, int maxElements = 7)
    {
        string[] atoms = ["1", "2", "*", "#", "X", "!", "[1-2]", "[^1]", "[^0-9]", "[0-13]"];
        var builder = new StringBuilder();
        if (random.Next(5) == 0)
        {
            builder.Append("\\+");
        }

        var elements = random.Next(1, maxElements + 1);
        var dotAt = random.Next(2) == 0 ? random.Next(1, elements + 1) : -1;
        for (var i = 0; i < elements; i++)
        {
            if (i == dotAt)
            {
                builder.Append('.');
            }

            builder.Append(atoms[random.Next(atoms.Length)]);
            var quantifier = random.Next(6);
            builder.Append(quantifier == 0 ? "?" : quantifier == 1 ? "+" : "");
        }

        return builder.ToString();
    }

    private static string RandomDialed(Random random, string pattern)
    {
        var builder = new StringBuilder();
        if (pattern.StartsWith('\\') ? random.Next(6) != 0 : random.Next(10) == 0)
        {
            builder.Append('+');
        }

        var length = random.Next(0, 9);
        for (var i = 0; i < length; i++)
        {
            builder.Append("0121212*#9"[random.Next(10)]);
        }

        return builder.ToString();
    }

    // A regular expression with CUCM's meaning: X and ! are digits 0-9, [^..] is any of 0-9 * # outside the set.
    private static (Regex Whole, Regex? Pre, Regex? Post) Oracle(string pattern)
    {
        var parts = new[] { new StringBuilder(), new StringBuilder() };
        var part = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            var target = parts[part];
            switch (c)
            {
                case '\\':
                    target.Append("(?:\\+)");
                    i++;
                    break;
                case 'X':
                    target.Append("[0-9]");
                    break;
                case '!':
                    target.Append("(?:[0-9]+)");
                    break;
                case '?':
                    target.Append('*');
                    break;
                case '+':
                    target.Append('+');
                    break;
                case '.':
                    part = 1;
                    break;
                case '*' or '#':
                    target.Append("(?:\\").Append(c).Append(')');
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i);
                    var body = pattern[(i + 1)..close].Replace("*", "\\*", StringComparison.Ordinal);
                    target.Append(body.StartsWith('^') ? $"(?:(?![{body[1..]}])[0-9*#])" : $"[{body}]");
                    i = close;
                    break;
                default:
                    target.Append(c);
                    break;
            }
        }

        var whole = new Regex($"^(?:{parts[0]}{parts[1]})$", RegexOptions.CultureInvariant);
        return part == 0
            ? (whole, null, null)
            : (whole, new Regex($"^(?:{parts[0]})$", RegexOptions.CultureInvariant), new Regex($"^(?:{parts[1]})$", RegexOptions.CultureInvariant));
    }
}
