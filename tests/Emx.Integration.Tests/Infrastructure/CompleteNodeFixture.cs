namespace Emx.Integration.Tests.Infrastructure;

/// <summary>
/// A SQLite node holding examples/provisioning-complete.yaml, shared by the tests of one class (which xunit runs one
/// after another). Tests that use it must leave it as they found it.
/// </summary>
public sealed class CompleteNodeFixture : IAsyncLifetime
{
    private TestNode? _node;

    public TestNode Node => _node ?? throw new InvalidOperationException("the fixture is not initialized");

    public async ValueTask InitializeAsync() =>
        _node = await TestNode.StartWithAsync(DatabaseProvider.Sqlite, TestEnvironment.ExampleText("provisioning-complete.yaml"), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}
