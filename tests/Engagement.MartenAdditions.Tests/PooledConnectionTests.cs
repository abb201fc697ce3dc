using Marten;
using Microsoft.Extensions.DependencyInjection;
using Engagement.Testing;
using Npgsql;

namespace Engagement.MartenAdditions.Tests;

/// <summary>
/// A command that PostgreSQL refuses must not leave its pooled connection unusable for whoever opens it next. The pool
/// here has one connection, so every open gets the connection the failed command used.
/// </summary>
public sealed class PooledConnectionTests : IAsyncLifetime
{
    private readonly string _database = TestInfrastructure.UniqueName("pool");
    private NpgsqlDataSource _source = null!;

    public async Task InitializeAsync()
    {
        await TestInfrastructure.CreateDatabaseAsync(_database);
        var cs = new NpgsqlConnectionStringBuilder(TestInfrastructure.ConnectionString(_database)) { MaxPoolSize = 1 }.ConnectionString;
        _source = Setup.CreateDataSource(cs);
        await using var cmd = _source.CreateCommand("create table t (id int primary key, body text, doc jsonb)");
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(_database);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "nul in a text parameter", "insert into t (id, body) values (@id, @v)" },
        { "nul in a jsonb parameter", "insert into t (id, doc) values (@id, @v::jsonb)" },
        { "nul in a text parameter of a query", "select id from t where body = @v and id <> @id" },
        { "nul in a batch's second statement", "insert into t (id) values (@id) on conflict do nothing; insert into t (id, body) values (@id + 1000, @v)" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task a_refused_command_leaves_its_pooled_connection_usable(string _, string sql)
    {
        // Enough repeats that auto-preparation (AutoPrepareMinUsages = 2) has prepared the statement before it fails.
        for (var i = 1; i <= 6; i++)
        {
            await using (var conn = await _source.OpenConnectionAsync())
            await using (var good = new NpgsqlCommand(sql, conn))
            {
                good.Parameters.AddWithValue("id", i);
                good.Parameters.AddWithValue("v", "{\"a\": \"fine\"}");
                await good.ExecuteNonQueryAsync();
            }

            await using (var conn = await _source.OpenConnectionAsync())
            await using (var tx = await conn.BeginTransactionAsync())
            await using (var bad = new NpgsqlCommand(sql, conn, tx))
            {
                bad.Parameters.AddWithValue("id", 100 + i);
                bad.Parameters.AddWithValue("v", "{\"a\": \"x\0y\"}");
                await Assert.ThrowsAnyAsync<Exception>(() => bad.ExecuteNonQueryAsync());
            }

            await using (var conn = await _source.OpenConnectionAsync())
            await using (var next = new NpgsqlCommand("select count(*) from t where id <> @id", conn))
            {
                next.Parameters.AddWithValue("id", -1);
                Assert.True((long)(await next.ExecuteScalarAsync())! >= 0);
            }
        }
    }
}

/// <summary>The same through Marten: an event or document PostgreSQL refuses, then the next unit of work.</summary>
public sealed class MartenRefusalTests : DatabasePerTest
{
    [Fact]
    public async Task a_save_that_postgresql_refuses_leaves_the_next_session_working()
    {
        var host = await Fixture.StartHostAsync(new RecordingPublisher(), "refusal", daemon: false);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        for (var i = 0; i < 6; i++)
        {
            using var scope = PersonalDataScope.Begin();
            await using (var s = store.LightweightSession())
            {
                var id = Guid.NewGuid();
                s.Events.StartStream($"person-{id}", new PersonRegistered(id, "Ada", null, "bulwell"));
                s.Store(new PersonCard(id.ToString(), "Ada", "bulwell"));
                await s.SaveChangesAsync();
            }

            await using (var s = store.LightweightSession())
            {
                var id = Guid.NewGuid();
                s.Events.StartStream($"person-{id}", new PersonRegistered(id, "Ada", null, "bul\0well"));
                s.Store(new PersonCard(id.ToString(), "Ada", "bul\0well"));
                await Assert.ThrowsAnyAsync<Exception>(() => s.SaveChangesAsync());
            }

            await using (var q = store.QuerySession())
            {
                Assert.NotEmpty(await q.Query<PersonCard>().Where(c => c.Area == "bulwell").ToListAsync());
                await Assert.ThrowsAnyAsync<Exception>(() => q.Query<PersonCard>().Where(c => c.Area == "no\0where").ToListAsync());
            }

            await using (var q = store.QuerySession())
            {
                Assert.NotEmpty(await q.Query<PersonCard>().Where(c => c.Area == "bulwell").ToListAsync());
            }
        }
    }
}
