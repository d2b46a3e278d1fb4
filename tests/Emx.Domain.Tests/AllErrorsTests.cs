namespace Emx.Domain.Tests;

/// <summary>The validator reports every problem of a document, not just the first.</summary>
public sealed class AllErrorsTests
{
    [Fact]
    public void Validate_DocumentWithFiveProblems_ReturnsFiveErrors()
    {
        var user = World.EndUser();
        user.Pin = "12ab";
        var doc = new ProvisioningDocument
        {
            ServiceParameters = new ServiceParametersSection { ExtensionMobility = new ExtensionMobilityServiceParameters { MaximumConcurrentRequests = 0 } },
            EmccFeatureConfiguration = new EmccFeatureConfiguration { RsvpSipTrunkKeepAliveTimer = 601 },
            CallingSearchSpaces = [new CallingSearchSpace { Name = "Dup", Partitions = [World.Partition, World.Partition] }],
            Phones = [World.Phone("SEPXYZ")],
            EndUsers = [user],
        };

        var errors = World.Validate(doc);

        Assert.Equal(5, errors.Count);
        ErrorAssert.Contains(errors, "serviceParameters.extensionMobility", "", "maximumConcurrentRequests");
        ErrorAssert.Contains(errors, "emccFeatureConfiguration", "", "rsvpSipTrunkKeepAliveTimer");
        ErrorAssert.Contains(errors, "callingSearchSpaces", "Dup", "partitions");
        ErrorAssert.Contains(errors, "phones", "SEPXYZ", "name");
        ErrorAssert.Contains(errors, "endUsers", "alice", "pin");
    }

    [Fact]
    public void Validate_SeveralProblemsOnOneObject_ReportsEach()
    {
        var profile = World.DeviceProfile();
        profile.MlppIndication = MlppIndication.Off;
        profile.MlppPreemption = MlppPreemption.Forceful;
        profile.Module2 = "KEM";
        profile.Protocol = DeviceProtocol.SCCP;
        profile.EmccCss = "Ghost";
        profile.Lines.Add(new Line { Dn = "2000", Partition = World.Partition });

        var errors = World.Validate(profile);

        Assert.Equal(["emccCss", "lines", "mlppPreemption", "module2", "protocol"], errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ConfigError_ToString_IncludesKindKeyFieldAndReason()
    {
        Assert.Equal("phones 'SEP0A1B2C3D4E5F' name: bad", new ConfigError("phones", "SEP0A1B2C3D4E5F", "name", "bad").ToString());
        Assert.Equal("cluster.id: bad", new ConfigError("cluster", "", "id", "bad").ToString());
    }
}
