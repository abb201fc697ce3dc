using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Engagement.MartenAdditions.Tests;

/// <summary>Plain SQL on the session's connection is rolled back with the session when it is not saved.</summary>
public sealed class SessionConnectionTests : DatabasePerTest
{
    [Fact]
    public async Task plain_sql_on_a_session_disposed_without_save_changes_is_rolled_back()
    {
        var host = await Fixture.StartHostAsync(new RecordingPublisher(), "plain-sql-rollback", daemon: false);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await Fixture.ScalarAsync<int>("create table public.plain_rollback (id uuid primary key); select 1");
        await using (var session = store.LightweightSession())
        {
            var conn = await session.ConnectionInTransactionAsync(CancellationToken.None);
            await using var cmd = new NpgsqlCommand("insert into public.plain_rollback (id) values (gen_random_uuid())", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        Assert.Equal(0L, await Fixture.ScalarAsync<long>("select count(*) from public.plain_rollback"));
    }
}
