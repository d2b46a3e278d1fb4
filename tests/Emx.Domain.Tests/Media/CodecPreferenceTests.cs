using Emx.Domain.Media;

namespace Emx.Domain.Tests.Media;

public sealed class CodecPreferenceTests
{
    /// <summary>wire-formats.md §10, Low Loss column, rows 1-22, then the documented tail.</summary>
    private static readonly string[] LowLoss =
    [
        "AMR-WB 24 kb/s",
        "AMR 13 kb/s",
        "AAC-LD (MP4A-LATM) 128 kb/s",
        "AAC-LD (mpeg4-generic) 64 kb/s",
        "AAC-LD (MP4A-LATM) 64 kb/s",
        "AAC-LD (MP4A-LATM) 56 kb/s",
        "L16 256 kb/s",
        "AAC-LD (MP4A-LATM) 48 kb/s",
        "G.722 64 kb/s",
        "iSAC 32 kb/s",
        "AAC-LD (MP4A-LATM) 32 kb/s",
        "G.722.1 32 kb/s",
        "G.722 56 kb/s",
        "G.722.1 24 kb/s",
        "G.722 48 kb/s",
        "AAC-LD (MP4A-LATM) 24 kb/s",
        "G.711 mu-law 64 kb/s",
        "G.711 A-law 64 kb/s",
        "G.711 mu-law 56 kb/s",
        "G.711 A-law 56 kb/s",
        "iLBC 16 kb/s",
        "G.728 16 kb/s",
        "GSM EFR 13 kb/s",
        "GSM FR 13 kb/s",
        "G.729 8 kb/s",
        "G.729a 8 kb/s",
        "G.729b 8 kb/s",
        "G.729ab 8 kb/s",
        "G.723.1 6 kb/s",
    ];

    /// <summary>The Lossy column: identical except rows 9-11.</summary>
    private static readonly string[] Lossy =
    [
        "AMR-WB 24 kb/s",
        "AMR 13 kb/s",
        "AAC-LD (MP4A-LATM) 128 kb/s",
        "AAC-LD (mpeg4-generic) 64 kb/s",
        "AAC-LD (MP4A-LATM) 64 kb/s",
        "AAC-LD (MP4A-LATM) 56 kb/s",
        "L16 256 kb/s",
        "AAC-LD (MP4A-LATM) 48 kb/s",
        "iSAC 32 kb/s",
        "AAC-LD (MP4A-LATM) 32 kb/s",
        "G.722 64 kb/s",
        "G.722.1 32 kb/s",
        "G.722 56 kb/s",
        "G.722.1 24 kb/s",
        "G.722 48 kb/s",
        "AAC-LD (MP4A-LATM) 24 kb/s",
        "G.711 mu-law 64 kb/s",
        "G.711 A-law 64 kb/s",
        "G.711 mu-law 56 kb/s",
        "G.711 A-law 56 kb/s",
        "iLBC 16 kb/s",
        "G.728 16 kb/s",
        "GSM EFR 13 kb/s",
        "GSM FR 13 kb/s",
        "G.729 8 kb/s",
        "G.729a 8 kb/s",
        "G.729b 8 kb/s",
        "G.729ab 8 kb/s",
        "G.723.1 6 kb/s",
    ];

    private static IReadOnlyList<AudioCodec> All(LinkLossType lossType) => CodecPreference.Order(lossType);

    private static string[] Names(IEnumerable<AudioCodec> codecs) => codecs.Select(c => c.ToString()).ToArray();

    [Fact]
    public void Order_LowLoss_IsTheTableExactly()
    {
        Assert.Equal(LowLoss, Names(CodecPreference.Order(LinkLossType.LowLoss)));
    }

    [Fact]
    public void Order_Lossy_IsTheTableExactly()
    {
        Assert.Equal(Lossy, Names(CodecPreference.Order(LinkLossType.Lossy)));
    }

    [Fact]
    public void Order_LowLossAndLossy_DifferOnlyInRows9To11()
    {
        var low = CodecPreference.Order(LinkLossType.LowLoss);
        var lossy = CodecPreference.Order(LinkLossType.Lossy);

        var differing = Enumerable.Range(0, low.Count).Where(i => !Equals(low[i], lossy[i])).Select(i => i + 1);

        Assert.Equal([9, 10, 11], differing);
        Assert.Equal(low.ToHashSet(), lossy.ToHashSet());
        Assert.Equal(29, low.Distinct().Count());
    }

    [Fact]
    public void Order_IsReadOnly()
    {
        var order = CodecPreference.Order(LinkLossType.LowLoss);

        Assert.False(order is AudioCodec[]);
        Assert.Throws<NotSupportedException>(() => ((IList<AudioCodec>)order)[0] = AudioCodec.G729);
        Assert.Equal(AudioCodec.AmrWb24, CodecPreference.Order(LinkLossType.LowLoss)[0]);
    }

    [Fact]
    public void Order_UndefinedLossType_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CodecPreference.Order((LinkLossType)7));
    }

    [Theory]
    [InlineData(LinkLossType.LowLoss)]
    [InlineData(LinkLossType.Lossy)]
    public void Select_EmccDefault8Kbps_LeavesOnlyTheG729FamilyAndG7231(LinkLossType lossType)
    {
        var selected = CodecPreference.Select(All(lossType), 8, lossType);

        Assert.Equal(["G.729 8 kb/s", "G.729a 8 kb/s", "G.729b 8 kb/s", "G.729ab 8 kb/s", "G.723.1 6 kb/s"], Names(selected));
    }

    [Fact]
    public void Select_16Kbps_AddsIlbcG728AndGsm()
    {
        var selected = CodecPreference.Select(All(LinkLossType.LowLoss), 16, LinkLossType.LowLoss);

        Assert.Equal(
            ["AMR 13 kb/s", "iLBC 16 kb/s", "G.728 16 kb/s", "GSM EFR 13 kb/s", "GSM FR 13 kb/s",
             "G.729 8 kb/s", "G.729a 8 kb/s", "G.729b 8 kb/s", "G.729ab 8 kb/s", "G.723.1 6 kb/s"],
            Names(selected));
    }

    [Fact]
    public void Select_32KbpsLowLoss_StartsWithAmrWbThenIsacAndAacLd32()
    {
        var selected = CodecPreference.Select(All(LinkLossType.LowLoss), 32, LinkLossType.LowLoss);

        Assert.Equal(
            ["AMR-WB 24 kb/s", "AMR 13 kb/s", "iSAC 32 kb/s", "AAC-LD (MP4A-LATM) 32 kb/s", "G.722.1 32 kb/s",
             "G.722.1 24 kb/s", "AAC-LD (MP4A-LATM) 24 kb/s", "iLBC 16 kb/s", "G.728 16 kb/s", "GSM EFR 13 kb/s",
             "GSM FR 13 kb/s", "G.729 8 kb/s", "G.729a 8 kb/s", "G.729b 8 kb/s", "G.729ab 8 kb/s", "G.723.1 6 kb/s"],
            Names(selected));
    }

    [Fact]
    public void Select_64KbpsLowLoss_PutsG722BeforeIsacAndExcludesHigherRates()
    {
        var selected = CodecPreference.Select(All(LinkLossType.LowLoss), 64, LinkLossType.LowLoss);

        Assert.Equal(
            ["AMR-WB 24 kb/s", "AMR 13 kb/s", "AAC-LD (mpeg4-generic) 64 kb/s", "AAC-LD (MP4A-LATM) 64 kb/s",
             "AAC-LD (MP4A-LATM) 56 kb/s", "AAC-LD (MP4A-LATM) 48 kb/s", "G.722 64 kb/s", "iSAC 32 kb/s",
             "AAC-LD (MP4A-LATM) 32 kb/s", "G.722.1 32 kb/s", "G.722 56 kb/s", "G.722.1 24 kb/s", "G.722 48 kb/s",
             "AAC-LD (MP4A-LATM) 24 kb/s", "G.711 mu-law 64 kb/s", "G.711 A-law 64 kb/s", "G.711 mu-law 56 kb/s",
             "G.711 A-law 56 kb/s", "iLBC 16 kb/s", "G.728 16 kb/s", "GSM EFR 13 kb/s", "GSM FR 13 kb/s",
             "G.729 8 kb/s", "G.729a 8 kb/s", "G.729b 8 kb/s", "G.729ab 8 kb/s", "G.723.1 6 kb/s"],
            Names(selected));
        Assert.DoesNotContain(AudioCodec.AacLdLatm128, selected);
        Assert.DoesNotContain(AudioCodec.L16At256, selected);
    }

    [Theory]
    [InlineData(LinkLossType.LowLoss, "G.722 64 kb/s")]
    [InlineData(LinkLossType.Lossy, "iSAC 32 kb/s")]
    public void Select_PhoneOfferAt64Kbps_PicksG722OnLowLossAndIsacOnLossy(LinkLossType lossType, string first)
    {
        AudioCodec[] phone = [AudioCodec.G711MuLaw64, AudioCodec.G711ALaw64, AudioCodec.G729A, AudioCodec.Isac32, AudioCodec.G722At64, AudioCodec.AacLdLatm32];

        var selected = CodecPreference.Select(phone, 64, lossType);

        Assert.Equal(first, selected[0].ToString());
        Assert.Equal(
            lossType == LinkLossType.LowLoss
                ? ["G.722 64 kb/s", "iSAC 32 kb/s", "AAC-LD (MP4A-LATM) 32 kb/s", "G.711 mu-law 64 kb/s", "G.711 A-law 64 kb/s", "G.729a 8 kb/s"]
                : ["iSAC 32 kb/s", "AAC-LD (MP4A-LATM) 32 kb/s", "G.722 64 kb/s", "G.711 mu-law 64 kb/s", "G.711 A-law 64 kb/s", "G.729a 8 kb/s"],
            Names(selected));
    }

    [Theory]
    [InlineData(LinkLossType.LowLoss)]
    [InlineData(LinkLossType.Lossy)]
    public void Select_32Kbps_G722At64IsNotEligibleWhateverTheLossType(LinkLossType lossType)
    {
        AudioCodec[] offered = [AudioCodec.G722At64, AudioCodec.Isac32, AudioCodec.AacLdLatm32, AudioCodec.G711MuLaw64];

        var selected = CodecPreference.Select(offered, 32, lossType);

        Assert.Equal([AudioCodec.Isac32, AudioCodec.AacLdLatm32], selected);
    }

    [Fact]
    public void Select_EveryAllowedRegionBitRate_KeepsExactlyTheRowsThatFitInTableOrder()
    {
        foreach (var lossType in new[] { LinkLossType.LowLoss, LinkLossType.Lossy })
        {
            foreach (var max in EmccFeatureConfiguration.AllowedAudioBitRates)
            {
                var selected = CodecPreference.Select(All(lossType), max, lossType);

                Assert.Equal(All(lossType).Where(c => c.BitRateKbps <= max), selected);
            }
        }

        Assert.Equal(29, CodecPreference.Select(All(LinkLossType.LowLoss), 256, LinkLossType.LowLoss).Count);
        Assert.Equal(28, CodecPreference.Select(All(LinkLossType.LowLoss), 128, LinkLossType.LowLoss).Count);
        Assert.Equal(16, CodecPreference.Select(All(LinkLossType.LowLoss), 32, LinkLossType.LowLoss).Count);
        Assert.Equal(5, CodecPreference.Select(All(LinkLossType.LowLoss), 8, LinkLossType.LowLoss).Count);
    }

    [Fact]
    public void Select_CodecsOutsideTheTable_AreDropped()
    {
        var opus = new AudioCodec("Opus", 64);
        AudioCodec[] offered = [opus, new AudioCodec("G.722", 40), AudioCodec.G711ALaw64];

        var selected = CodecPreference.Select(offered, 512, LinkLossType.LowLoss);

        Assert.Equal([AudioCodec.G711ALaw64], selected);
    }

    [Fact]
    public void Select_EqualDescriptorsAndDuplicates_AreMatchedByValueAndReturnedOnce()
    {
        AudioCodec[] offered = [new AudioCodec("G.711 mu-law", 64), AudioCodec.G711MuLaw64, AudioCodec.G729A, new AudioCodec("G.729a", 8)];

        var selected = CodecPreference.Select(offered, 64, LinkLossType.LowLoss);

        Assert.Equal([AudioCodec.G711MuLaw64, AudioCodec.G729A], selected);
        Assert.Same(AudioCodec.G711MuLaw64, selected[0]);
    }

    [Fact]
    public void Select_NothingFits_ReturnsEmpty()
    {
        Assert.Empty(CodecPreference.Select([AudioCodec.G711MuLaw64, AudioCodec.G722At64], 8, LinkLossType.LowLoss));
        Assert.Empty(CodecPreference.Select([AudioCodec.G729A], 0, LinkLossType.LowLoss));
        Assert.Empty(CodecPreference.Select([], 256, LinkLossType.Lossy));
    }

    [Fact]
    public void Select_256Kbps_IncludesEveryRow()
    {
        Assert.Equal(LowLoss, Names(CodecPreference.Select(All(LinkLossType.LowLoss).Reverse(), 256, LinkLossType.LowLoss)));
    }

    [Fact]
    public void Select_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CodecPreference.Select([AudioCodec.G729A], -1, LinkLossType.LowLoss));
        Assert.Throws<ArgumentNullException>(() => CodecPreference.Select(null!, 8, LinkLossType.LowLoss));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioCodec("X", 0));
        Assert.Throws<ArgumentException>(() => new AudioCodec(" ", 8));
    }
}
