using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Emx.Data.Migrations;

// One class per migration and provider; the SQL lives next to it. A schema change always adds a pair
// (docs/decisions/0002-migrations-as-sql.md), and SchemaTests fail until both exist.

[DbContext(typeof(SqliteEmxDbContext))]
[Migration("20261122000001_Initial")]
internal sealed class SqliteInitial : ScriptMigration
{
    protected override string Script => "Sqlite.0001_Initial.sql";
}

[DbContext(typeof(PostgresEmxDbContext))]
[Migration("20261122000001_Initial")]
internal sealed class PostgresInitial : ScriptMigration
{
    protected override string Script => "Postgres.0001_Initial.sql";
}
