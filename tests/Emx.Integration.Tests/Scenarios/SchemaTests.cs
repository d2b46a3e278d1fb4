using Microsoft.EntityFrameworkCore;

namespace Emx.Integration.Tests.Scenarios;

/// <summary>
/// Schema guard: the schema the EF model produces must be the latest migration script of each provider, so a model
/// change without a migration pair for both SQLite and PostgreSQL fails here (docs/decisions/0002).
/// </summary>
public sealed class SchemaTests
{
    public static TheoryData<DatabaseProvider> BothProviders => new(Enum.GetValues<DatabaseProvider>());

    private static string Normalize(string script) => string.Join('\n', script.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd())).Trim();

    private static string[] Scripts(DatabaseProvider provider) =>
        Directory.GetFiles(Path.Combine(TestEnvironment.MigrationsDirectory, provider.ToString()), "*.sql")
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

    [Theory]
    [MemberData(nameof(BothProviders))]
    public void ModelScript_EveryProvider_EqualsTheLatestMigrationScript(DatabaseProvider provider)
    {
        var latest = Scripts(provider).LastOrDefault();
        Assert.True(latest is not null, $"no migration script for {provider} in {TestEnvironment.MigrationsDirectory}");
        var migration = Normalize(File.ReadAllText(Path.Combine(TestEnvironment.MigrationsDirectory, provider.ToString(), latest)));

        var model = Normalize(EmxDatabase.ModelScript(provider));

        if (model != migration)
        {
            var modelLines = model.Split('\n');
            var migrationLines = migration.Split('\n');
            var line = Enumerable.Range(0, Math.Max(modelLines.Length, migrationLines.Length))
                .First(i => i >= modelLines.Length || i >= migrationLines.Length || modelLines[i] != migrationLines[i]);
            var option = provider.ToString().ToLowerInvariant();
            Assert.Fail(
                $"The {provider} schema of the EF model differs from src/Emx.Data/Migrations/{provider}/{latest} at line {line + 1}:\n"
                + $"  model:     {(line < modelLines.Length ? modelLines[line] : "(end)")}\n"
                + $"  migration: {(line < migrationLines.Length ? migrationLines[line] : "(end)")}\n"
                + "The model changed without a migration. Add a migration pair — src/Emx.Data/Migrations/Sqlite/NNNN_Name.sql and "
                + "src/Emx.Data/Migrations/Postgres/NNNN_Name.sql with their classes in Migrations.cs — and regenerate the schema with "
                + $"`dotnet run --project src/Emx -- schema --provider {option}` (and the same for the other provider).");
        }
    }

    [Fact]
    public void MigrationScripts_ExistInPairs_SameNamesForBothProviders()
    {
        var sqlite = Scripts(DatabaseProvider.Sqlite);
        var postgres = Scripts(DatabaseProvider.Postgres);

        Assert.NotEmpty(sqlite);
        Assert.True(sqlite.SequenceEqual(postgres),
            $"every migration needs a script for both providers:\n  Sqlite:   {string.Join(", ", sqlite)}\n  Postgres: {string.Join(", ", postgres)}");
    }

    [Theory]
    [MemberData(nameof(BothProviders))]
    public void Migrations_EveryScript_IsAppliedByAMigrationClass(DatabaseProvider provider)
    {
        using var context = EmxDatabase.CreateContext(provider, provider == DatabaseProvider.Sqlite ? "Data Source=:memory:" : "Host=localhost;Database=emx_unused");

        var migrations = context.Database.GetMigrations().ToList();

        Assert.Equal(Scripts(provider).Length, migrations.Count);
    }
}
