namespace Emx.Integration.Tests.Infrastructure;

/// <summary>What the environment provides the tests: the PostgreSQL admin connection, CI mode, the copied example files.</summary>
public static class TestEnvironment
{
    /// <summary>The variable holding a PostgreSQL admin connection string (Host=127.0.0.1;Port=5432;Username=postgres;Password=...).</summary>
    public const string PostgresVariable = "EMX_TEST_POSTGRES";

    /// <summary>The admin connection string, or null when PostgreSQL tests are not configured.</summary>
    public static string? PostgresAdminConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    /// <summary>Whether the tests run in CI (CI=true or CI=1), where PostgreSQL is mandatory.</summary>
    public static bool IsCi => Environment.GetEnvironmentVariable("CI") is { } ci
        && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>The message for CI without PostgreSQL: the Postgres cases are emitted and fail with it.</summary>
    public static string MissingPostgresOnCi =>
        $"CI is set but {PostgresVariable} is not: the PostgreSQL half of the database tests would be skipped silently. "
        + $"Set {PostgresVariable} to an admin connection string (see .ci/run), or unset CI to run SQLite only locally.";

    /// <summary>The providers the database tests run on: SQLite always; PostgreSQL when configured, and always on CI (where a missing variable fails).</summary>
    public static IReadOnlyList<DatabaseProvider> Providers =>
        PostgresAdminConnectionString is not null || IsCi ? [DatabaseProvider.Sqlite, DatabaseProvider.Postgres] : [DatabaseProvider.Sqlite];

    /// <summary>The examples directory copied next to the test assembly.</summary>
    public static string ExamplesDirectory => Path.Combine(AppContext.BaseDirectory, "examples");

    /// <summary>The full path of an example file (examples/cluster-a.yaml is "cluster-a.yaml").</summary>
    public static string Example(string relativePath) => Path.Combine(ExamplesDirectory, relativePath);

    /// <summary>The text of an example file.</summary>
    public static string ExampleText(string relativePath) => File.ReadAllText(Example(relativePath));

    /// <summary>The migration scripts copied next to the test assembly.</summary>
    public static string MigrationsDirectory => Path.Combine(AppContext.BaseDirectory, "migrations");

    /// <summary>The emx command line assembly (emx.dll), for tests that run it as a child process.</summary>
    public static string EmxDll => typeof(Emx.EmxCli).Assembly.Location;
}
