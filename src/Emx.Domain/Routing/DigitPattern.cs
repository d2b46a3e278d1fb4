using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using Emx.Domain.Configuration;

namespace Emx.Domain.Routing;

/// <summary>A successful match of a dialed string against a <see cref="DigitPattern"/>.</summary>
/// <param name="PreDotLength">
/// How many dialed characters the elements before the '.' discard point matched (0 when the pattern has no dot).
/// When the split is ambiguous (<c>X+.X+</c>), the elements before the dot take as many characters as they can.
/// </param>
/// <param name="Length">Length of the dialed string.</param>
public readonly record struct PatternMatch(int PreDotLength, int Length);

/// <summary>
/// A CUCM route pattern compiled once for en-bloc matching (SIP phones send the whole number at once).
/// </summary>
/// <remarks>
/// <para>
/// Syntax, as <see cref="RoutePatternRules"/> accepts it: literal <c>0-9 * #</c>; <c>X</c> one digit 0-9;
/// <c>!</c> one or more digits 0-9; <c>[1-35]</c> one digit from a set; <c>[^0-5]</c> one character not in the set,
/// which includes <c>*</c> and <c>#</c> as CUCM's does (<c>13[^3-9]6</c> matches <c>13*6</c>); <c>?</c> zero or
/// more and <c>+</c> one or more of the preceding element (CUCM: <c>91X?</c> matches 91 through 91999...); a leading
/// <c>\+</c> for the literal '+' of E.164 numbers; one '.' discard point.
/// </para>
/// <para>
/// Matching runs the pattern as a bit-parallel automaton (one bit per position between elements, at most 50), so a
/// dialed string costs one pass whatever the wildcards: no backtracking.
/// </para>
/// <para>
/// Closest match: CUCM picks the pattern that matches the fewest strings, counting only strings as long as the one
/// dialed. <see cref="MatchCount"/> is that number. Dialing 1515 with <c>15!</c> and <c>1[3-5]XX</c>: of the
/// four-character strings, <c>15!</c> matches 100 (1500-1599) and <c>1[3-5]XX</c> 300, so <c>15!</c> wins, which is
/// what CUCM's Dialed Number Analyzer shows. For 1234: <c>1234</c> 1, <c>12XX</c> 100, <c>1[2-3]XX</c> 200,
/// <c>1XXX</c> and <c>1!</c> 1000 each.
/// </para>
/// </remarks>
public sealed class DigitPattern
{
    private const ushort Digits = 0x3FF;
    private const ushort AllButPlus = 0xFFF;
    private const ushort Plus = 1 << 12;

    // Above this many automaton states at one length, counting switches from distinct strings to parses.
    private const int MaxCountingStates = 1024;

    // Bit i of _advance[s]: element i accepts symbol s (moves from state i to i + 1).
    private readonly ulong[] _advance = new ulong[DialString.SymbolCount];

    // Bit i + 1 of _loop[s]: element i repeats and accepts s (state i + 1 stays put).
    private readonly ulong[] _loop = new ulong[DialString.SymbolCount];

    // Bit i: element i may match nothing ('?').
    private readonly ulong _optional;

    // Bit i: element i may match more than once ('!', '?', '+').
    private readonly ulong _repeats;
    private readonly ulong _start;
    private readonly int _accept;
    private readonly int _dotState;
    private readonly ushort[] _sets;
    private readonly BigInteger[] _counts;

    private DigitPattern(string text, List<Element> elements, int dotState)
    {
        Text = text;
        _accept = elements.Count;
        _dotState = dotState;
        _sets = new ushort[elements.Count];
        var fixedLength = true;
        var minLength = 0;
        for (var i = 0; i < elements.Count; i++)
        {
            var element = elements[i];
            _sets[i] = element.Set;
            for (var s = 0; s < DialString.SymbolCount; s++)
            {
                if ((element.Set & (1 << s)) != 0)
                {
                    // An optional element ('?', always repeating) is an epsilon move plus the loop: giving it an
                    // advance too would make two paths for one parse, which the parse count below must not see.
                    if (!element.Optional)
                    {
                        _advance[s] |= 1UL << i;
                    }

                    if (element.Repeats)
                    {
                        _loop[s] |= 1UL << (i + 1);
                    }
                }
            }

            if (element.Optional)
            {
                _optional |= 1UL << i;
            }
            else
            {
                minLength++;
            }

            if (element.Repeats)
            {
                _repeats |= 1UL << i;
            }

            fixedLength &= !element.Repeats;
        }

        MinLength = minLength;
        MaxLength = fixedLength ? elements.Count : null;
        _start = Closure(1UL);
        _counts = CountByLength();
    }

    /// <summary>The pattern as configured.</summary>
    public string Text { get; }

    /// <summary>Shortest string the pattern matches.</summary>
    public int MinLength { get; }

    /// <summary>Longest string the pattern matches; null when '!', '?' or '+' make it unbounded.</summary>
    public int? MaxLength { get; }

    /// <summary>Whether every match has the same length (no '!', '?' or '+').</summary>
    public bool IsFixedLength => MaxLength is not null;

    /// <summary>Whether the pattern has a '.' discard point.</summary>
    public bool HasDiscardPoint => _dotState >= 0;

    /// <summary>Compiles <paramref name="pattern"/>; false when <see cref="RoutePatternRules.IsValid"/> rejects it.</summary>
    public static bool TryCompile(string? pattern, [NotNullWhen(true)] out DigitPattern? compiled)
    {
        compiled = null;
        if (pattern is null || !RoutePatternRules.IsValid(pattern))
        {
            return false;
        }

        var elements = new List<Element>(pattern.Length);
        var dotState = -1;
        var i = 0;
        if (pattern.StartsWith("\\+", StringComparison.Ordinal))
        {
            elements.Add(new Element(Plus, Optional: false, Repeats: false));
            i = 2;
        }

        while (i < pattern.Length)
        {
            var c = pattern[i];
            switch (c)
            {
                case 'X':
                    elements.Add(new Element(Digits, false, false));
                    break;
                case '!':
                    elements.Add(new Element(Digits, false, Repeats: true));
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    elements.Add(new Element(RangeSet(pattern.AsSpan(i + 1, close - i - 1)), false, false));
                    i = close;
                    break;
                case '?':
                    elements[^1] = elements[^1] with { Optional = true, Repeats = true };
                    break;
                case '+':
                    elements[^1] = elements[^1] with { Repeats = true };
                    break;
                case '.':
                    dotState = elements.Count;
                    break;
                default:
                    elements.Add(new Element((ushort)(1 << DialString.Symbol(c)), false, false));
                    break;
            }

            i++;
        }

        compiled = new DigitPattern(pattern, elements, dotState);
        return true;
    }

    /// <summary>Compiles <paramref name="pattern"/>.</summary>
    /// <exception cref="FormatException">The pattern is not a valid route pattern.</exception>
    public static DigitPattern Compile(string pattern) =>
        TryCompile(pattern, out var compiled)
            ? compiled
            : throw new FormatException($"'{pattern}' is not a valid route pattern");

    /// <summary>
    /// Matches a complete dialed string. False for a string that is not a valid dialed string (see
    /// <see cref="DialString.IsValid"/>), including one longer than <see cref="DialString.MaxLength"/>.
    /// </summary>
    public bool TryMatch(ReadOnlySpan<char> dialed, out PatternMatch match)
    {
        match = default;
        var length = dialed.Length;
        if (length == 0 || length > DialString.MaxLength || _counts[length].IsZero)
        {
            return false;
        }

        if (IsFixedLength)
        {
            for (var k = 0; k < length; k++)
            {
                var symbol = DialString.Symbol(dialed[k]);
                if (symbol < 0 || (_sets[k] & (1 << symbol)) == 0)
                {
                    return false;
                }
            }

            match = new PatternMatch(Math.Max(_dotState, 0), length);
            return true;
        }

        Span<ulong> forward = stackalloc ulong[length + 1];
        var states = _start;
        forward[0] = states;
        for (var k = 0; k < length; k++)
        {
            var symbol = DialString.Symbol(dialed[k]);
            if (symbol < 0)
            {
                return false;
            }

            states = Step(states, symbol);
            if (states == 0)
            {
                return false;
            }

            forward[k + 1] = states;
        }

        if ((states & (1UL << _accept)) == 0)
        {
            return false;
        }

        match = new PatternMatch(_dotState < 0 ? 0 : PreDotLength(dialed, forward), length);
        return true;
    }

    /// <summary>
    /// How many distinct strings of exactly <paramref name="length"/> characters the pattern matches: the measure
    /// of CUCM's closest match (fewer is closer). 0 outside 1-<see cref="DialString.MaxLength"/>. Computed once at
    /// compile time for every length; exact, except that for a contrived pattern whose automaton would need more than
    /// 1,024 states at one length (<c>X?1XXXX...</c>) it counts parses from that length on, which equals the string
    /// count whenever each string has one parse.
    /// </summary>
    public BigInteger MatchCount(int length) =>
        length is < 1 or > DialString.MaxLength ? BigInteger.Zero : _counts[length];

    /// <inheritdoc />
    public override string ToString() => Text;

    private static ushort RangeSet(ReadOnlySpan<char> body)
    {
        var negated = body[0] == '^';
        if (negated)
        {
            body = body[1..];
        }

        ushort set = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var low = body[i] - '0';
            var high = low;
            if (i + 2 < body.Length && body[i + 1] == '-')
            {
                high = body[i + 2] - '0';
                i += 2;
            }

            for (var d = low; d <= high; d++)
            {
                set |= (ushort)(1 << d);
            }
        }

        return negated ? (ushort)(AllButPlus & ~set) : set;
    }

    private ulong Closure(ulong states)
    {
        while (true)
        {
            var next = states | ((states & _optional) << 1);
            if (next == states)
            {
                return states;
            }

            states = next;
        }
    }

    private ulong BackwardClosure(ulong states)
    {
        while (true)
        {
            var next = states | ((states >> 1) & _optional);
            if (next == states)
            {
                return states;
            }

            states = next;
        }
    }

    private ulong Step(ulong states, int symbol) =>
        Closure(((states & _advance[symbol]) << 1) | (states & _loop[symbol]));

    private ulong BackwardStep(ulong states, int symbol) =>
        BackwardClosure(((states >> 1) & _advance[symbol]) | (states & _loop[symbol]));

    // The largest k such that the dialed prefix of length k can end exactly at the dot and the rest can complete the
    // match from there. Walking backwards, the first k found is the largest. Taking the largest also guarantees the
    // elements before the dot consumed exactly those k characters (any later repeat of the element just before the
    // dot would make a larger k valid).
    private int PreDotLength(ReadOnlySpan<char> dialed, ReadOnlySpan<ulong> forward)
    {
        var dot = 1UL << _dotState;
        var backward = BackwardClosure(1UL << _accept);
        for (var k = dialed.Length; k >= 0; k--)
        {
            if ((forward[k] & backward & dot) != 0)
            {
                return k;
            }

            if (k > 0)
            {
                backward = BackwardStep(backward, DialString.Symbol(dialed[k - 1]));
            }
        }

        return 0;
    }

    // Count of distinct strings per length, by running the subset construction of the automaton and summing the
    // number of strings that reach each subset; symbols that every element treats alike are counted as one class.
    // Alongside, the number of parses (ways to assign the characters to elements) is counted: it is the same for an
    // unambiguous pattern and is what is used, from the length on where a contrived pattern (X?1XXXX...) makes the
    // subset construction explode, so a pattern compiles in bounded time whatever it is.
    private BigInteger[] CountByLength()
    {
        var counts = new BigInteger[DialString.MaxLength + 1];
        var classes = SymbolClasses();
        var current = new Dictionary<ulong, BigInteger> { [_start] = BigInteger.One };
        var parses = new BigInteger[_accept + 1];
        parses[0] = BigInteger.One;
        CloseParses(parses);
        var exact = true;
        var acceptBit = 1UL << _accept;
        for (var length = 1; length <= (MaxLength ?? DialString.MaxLength); length++)
        {
            parses = StepParses(parses);
            if (exact)
            {
                current = StepSubsets(current, classes);
                exact = current.Count <= MaxCountingStates;
            }

            if (exact)
            {
                var total = BigInteger.Zero;
                foreach (var (states, count) in current)
                {
                    if ((states & acceptBit) != 0)
                    {
                        total += count;
                    }
                }

                counts[length] = total;
            }
            else
            {
                counts[length] = parses[_accept];
            }
        }

        return counts;
    }

    private Dictionary<ulong, BigInteger> StepSubsets(Dictionary<ulong, BigInteger> current, List<(int Symbol, int Size)> classes)
    {
        var next = new Dictionary<ulong, BigInteger>(current.Count);
        foreach (var (states, count) in current)
        {
            foreach (var (symbol, size) in classes)
            {
                var target = Step(states, symbol);
                if (target != 0)
                {
                    next[target] = next.GetValueOrDefault(target) + (count * size);
                }
            }
        }

        return next;
    }

    private BigInteger[] StepParses(BigInteger[] parses)
    {
        var next = new BigInteger[parses.Length];
        for (var i = 0; i < parses.Length; i++)
        {
            if (parses[i].IsZero)
            {
                continue;
            }

            if (i < _sets.Length && (_optional & (1UL << i)) == 0)
            {
                next[i + 1] += parses[i] * BitOperations.PopCount(_sets[i]);
            }

            if (i > 0 && (_repeats & (1UL << (i - 1))) != 0)
            {
                next[i] += parses[i] * BitOperations.PopCount(_sets[i - 1]);
            }
        }

        CloseParses(next);
        return next;
    }

    private void CloseParses(BigInteger[] parses)
    {
        for (var i = 0; i < _sets.Length; i++)
        {
            if ((_optional & (1UL << i)) != 0)
            {
                parses[i + 1] += parses[i];
            }
        }
    }

    private List<(int Symbol, int Size)> SymbolClasses()
    {
        var classes = new List<(int Symbol, int Size)>();
        var seen = new List<(ulong Advance, ulong Loop)>();
        for (var s = 0; s < DialString.SymbolCount; s++)
        {
            var column = (_advance[s], _loop[s]);
            if (column == (0UL, 0UL))
            {
                continue;
            }

            var index = seen.IndexOf(column);
            if (index < 0)
            {
                seen.Add(column);
                classes.Add((s, 1));
            }
            else
            {
                classes[index] = (classes[index].Symbol, classes[index].Size + 1);
            }
        }

        return classes;
    }

    private readonly record struct Element(ushort Set, bool Optional, bool Repeats);
}
