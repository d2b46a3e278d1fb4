namespace Emx.Protocols.Tests;

public sealed class ValueListTests
{
    [Fact]
    public void Equals_SameItems_AreEqualWithSameHash()
    {
        ValueList<string> a = ["x", "y"];
        var b = ValueList.From(new List<string> { "x", "y" });

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentOrderOrLength_AreNotEqual()
    {
        ValueList<int> a = [1, 2];

        Assert.NotEqual(a, [2, 1]);
        Assert.NotEqual(a, [1, 2, 3]);
        Assert.False(a.Equals(null));
    }

    [Fact]
    public void From_CopiesTheSource()
    {
        var source = new List<int> { 1 };
        var list = ValueList.From(source);

        source.Add(2);

        Assert.Single(list);
        Assert.Equal(1, list[0]);
    }

    [Fact]
    public void Empty_CollectionExpressions_AreEqual()
    {
        ValueList<int> a = [];

        Assert.Empty(a);
        Assert.Equal(a, ValueList.From(Array.Empty<int>()));
        Assert.Equal("[]", a.ToString());
    }
}
