namespace Emx.Domain.Tests;

/// <summary>Deleting an object: standard groups are permanent, referenced objects name their referrers.</summary>
public sealed class DeleteTests
{
    public static TheoryData<string> StandardGroups() => new(AccessControlGroup.StandardGroups);

    [Theory]
    [MemberData(nameof(StandardGroups))]
    public void ValidateDelete_StandardAccessControlGroup_Rejected(string group)
    {
        var errors = ConfigValidator.ValidateDelete(ConfigKinds.AccessControlGroups, group, []);

        var error = Assert.Single(errors);
        Assert.Equal("accessControlGroups", error.Kind);
        Assert.Equal(group, error.Key);
        Assert.Contains("standard", error.Reason, StringComparison.Ordinal);
        Assert.True(new AccessControlGroup { Name = group }.IsStandard);
    }

    [Fact]
    public void ValidateDelete_CustomUnreferencedGroup_Allowed()
    {
        Assert.Empty(ConfigValidator.ValidateDelete(ConfigKinds.AccessControlGroups, "Helpdesk", []));
        Assert.False(new AccessControlGroup { Name = "Helpdesk" }.IsStandard);
    }

    [Fact]
    public void ValidateDelete_StandardNameOfAnotherKind_Allowed()
    {
        Assert.Empty(ConfigValidator.ValidateDelete(ConfigKinds.Partitions, AccessControlGroup.StandardCcmSuperUsers, []));
    }

    [Fact]
    public void ValidateDelete_GroupUsedByUser_NamesTheUser()
    {
        var user = World.EndUser();
        user.Groups = ["Helpdesk"];

        var error = Assert.Single(ConfigValidator.ValidateDelete(ConfigKinds.AccessControlGroups, "Helpdesk", [(ConfigKinds.EndUsers, user)]));
        Assert.Contains("endUsers 'alice'", error.Reason, StringComparison.Ordinal);
        Assert.Contains("groups", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateDelete_PartitionUsedByCssAndPhoneLine_NamesEachReferrer()
    {
        var css = new CallingSearchSpace { Name = "CSS-A", Partitions = ["P1"] };
        var phone = World.Phone();
        phone.Lines[0].Partition = "P1";
        var unrelated = new CallingSearchSpace { Name = "CSS-B", Partitions = ["P2"] };

        var errors = ConfigValidator.ValidateDelete(ConfigKinds.Partitions, "P1",
            [(ConfigKinds.CallingSearchSpaces, css), (ConfigKinds.Phones, phone), (ConfigKinds.CallingSearchSpaces, unrelated)]);

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(("partitions", "P1"), (e.Kind, e.Key)));
        Assert.Contains(errors, e => e.Reason.Contains("callingSearchSpaces 'CSS-A' (partitions)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Reason.Contains($"phones '{World.PhoneName}' (lines[0].partition)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("routeLists")]
    [InlineData("routeGroups")]
    [InlineData("sipTrunks")]
    public void ValidateDelete_RoutePatternDestination_NamesThePattern(string kindName)
    {
        Assert.True(ConfigKinds.TryGet(kindName, out var kind));
        var pattern = new RoutePattern { Pattern = "9.XXXX", Partition = World.Partition, Destination = "Target" };

        var error = Assert.Single(ConfigValidator.ValidateDelete(kind, "Target", [(ConfigKinds.RoutePatterns, pattern)]));

        Assert.Equal(kindName, error.Kind);
        Assert.Contains("routePatterns '9.XXXX@Internal' (destination)", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateDelete_BlockedPatternDestination_DoesNotBlockDelete()
    {
        var pattern = new RoutePattern { Pattern = "1900!", Destination = "Target", Block = true };

        Assert.Empty(ConfigValidator.ValidateDelete(ConfigKinds.RouteLists, "Target", [(ConfigKinds.RoutePatterns, pattern)]));
    }

    [Fact]
    public void ValidateDelete_TrunkInRouteGroup_NamesTheGroup()
    {
        var group = new RouteGroup { Name = "RG", Members = ["T1", "T2"] };

        var error = Assert.Single(ConfigValidator.ValidateDelete(ConfigKinds.SipTrunks, "T2", [(ConfigKinds.RouteGroups, group)]));
        Assert.Contains("routeGroups 'RG' (members)", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateDelete_ProfileControlledByUserAndLogoutProfileOfPhone_NamesBoth()
    {
        var user = World.EndUser();
        var phone = World.Phone();
        phone.LogoutProfile = World.Profile;

        var errors = ConfigValidator.ValidateDelete(ConfigKinds.DeviceProfiles, World.Profile, [(ConfigKinds.EndUsers, user), (ConfigKinds.Phones, phone)]);

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Reason.Contains("endUsers 'alice' (controlledProfiles)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Reason.Contains("(logoutProfile)", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateDelete_EmccTemplateUsedByEmccDevice_NamesTheDevice()
    {
        var device = new EmccDevice { Name = "EMCC7", Number = 7, Template = "T1" };

        var error = Assert.Single(ConfigValidator.ValidateDelete(ConfigKinds.EmccTemplates, "T1", [(ConfigKinds.EmccDevices, device)]));
        Assert.Contains("emccDevices 'EMCC7' (template)", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateDelete_StandardGroupStillUsed_ReportsBothProblems()
    {
        var user = World.EndUser();

        var errors = ConfigValidator.ValidateDelete(ConfigKinds.AccessControlGroups, AccessControlGroup.StandardCcmEndUsers, [(ConfigKinds.EndUsers, user)]);

        Assert.Equal(2, errors.Count);
    }
}
