using System.Reflection;
using Xunit.Sdk;
using Xunit.v3;

namespace Emx.Integration.Tests.Infrastructure;

/// <summary>
/// Supplies a theory with every configured database provider (after Bitwarden's DatabaseDataAttribute): SQLite
/// always, PostgreSQL when <c>EMX_TEST_POSTGRES</c> is set. On CI the PostgreSQL case is always emitted, and fails
/// when the variable is missing, so CI cannot skip PostgreSQL by accident. The provider is the theory's first
/// parameter; further parameters are not supported.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class DatabaseDataAttribute : DataAttribute
{
    /// <inheritdoc />
    public override ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker)
    {
        IReadOnlyCollection<ITheoryDataRow> rows = TestEnvironment.Providers
            .Select(p => (ITheoryDataRow)new TheoryDataRow(p))
            .ToList();
        return new ValueTask<IReadOnlyCollection<ITheoryDataRow>>(rows);
    }

    /// <inheritdoc />
    public override bool SupportsDiscoveryEnumeration() => true;
}
