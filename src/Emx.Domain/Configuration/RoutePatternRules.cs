namespace Emx.Domain.Configuration;

/// <summary>
/// Syntax of CUCM route patterns: digits, *, #, X (any digit), ! (one or more digits), [ranges] with an optional
/// ^ negation, ? and + (zero/one or more of the preceding element), a leading \+ for a literal plus, and at most one
/// '.' discard point between elements.
/// </summary>
public static class RoutePatternRules
{
    /// <summary>Longest pattern accepted.</summary>
    public const int MaxLength = 48;

    /// <summary>Whether <paramref name="pattern"/> is a well-formed route pattern.</summary>
    public static bool IsValid(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern) || pattern.Length > MaxLength)
        {
            return false;
        }

        var i = 0;
        if (pattern.StartsWith("\\+", StringComparison.Ordinal))
        {
            i = 2;
        }

        var elements = 0;
        var previousWasElement = false;
        var dots = 0;
        var lastWasDot = false;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (char.IsAsciiDigit(c) || c is '*' or '#' or 'X' or '!')
            {
                i++;
            }
            else if (c == '[')
            {
                var close = pattern.IndexOf(']', i + 1);
                if (close < 0 || !IsRange(pattern.AsSpan(i + 1, close - i - 1)))
                {
                    return false;
                }

                i = close + 1;
            }
            else if (c is '?' or '+')
            {
                if (!previousWasElement)
                {
                    return false;
                }

                previousWasElement = false;
                lastWasDot = false;
                i++;
                continue;
            }
            else if (c == '.')
            {
                if (elements == 0 || lastWasDot || ++dots > 1)
                {
                    return false;
                }

                lastWasDot = true;
                previousWasElement = false;
                i++;
                continue;
            }
            else
            {
                return false;
            }

            elements++;
            previousWasElement = true;
            lastWasDot = false;
        }

        return elements > 0 && !lastWasDot;
    }

    private static bool IsRange(ReadOnlySpan<char> body)
    {
        if (body.Length > 0 && body[0] == '^')
        {
            body = body[1..];
        }

        if (body.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < body.Length; i++)
        {
            if (!char.IsAsciiDigit(body[i]))
            {
                return false;
            }

            if (i + 2 < body.Length && body[i + 1] == '-')
            {
                if (!char.IsAsciiDigit(body[i + 2]) || body[i + 2] < body[i])
                {
                    return false;
                }

                i += 2;
            }
            else if (i + 1 < body.Length && body[i + 1] == '-')
            {
                return false;
            }
        }

        return true;
    }
}
