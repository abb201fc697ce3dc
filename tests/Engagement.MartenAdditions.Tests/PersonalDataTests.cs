using Engagement.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Engagement.MartenAdditions.Tests;

/// <summary>Crypto-shredding on Marten: plaintext never reaches a table, and erasure leaves only noise behind.</summary>
public sealed class PersonalDataTests : DatabasePerTest
{
    /// <summary>Every text column of every table in the store's schema, searched for the value.</summary>
    private Task<long> OccurrencesAsync(string value) => Fixture.ScalarAsync<long>(
        """
        select coalesce(sum(n), 0)::bigint from (
          select (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I t where t::text like %L', table_schema, table_name, '%' || @v || '%'), false, true, '')))[1]::text::bigint as n
          from information_schema.tables where table_schema = @s and table_type = 'BASE TABLE') counts
        """, ("v", value), ("s", MartenFixture.Schema));

    [Fact]
    public async Task personal_fields_are_sealed_in_every_table_and_read_back_in_events_documents_and_the_relay()
    {
        var host = await Fixture.StartHostAsync(new RecordingPublisher(), "pd", daemon: false);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var person = Guid.NewGuid();
        var name = $"Ada Lovelace {Guid.NewGuid():N}";
        using (PersonalDataScope.Begin())
        {
            await using var s = store.LightweightSession();
            s.Events.StartStream($"person-{person}", new PersonRegistered(person, name, "ada@example.org", "bulwell"));
            s.Store(new PersonCard(person.ToString(), name, "bulwell"));
            await s.SaveChangesAsync();
        }

        Assert.Equal(0, await OccurrencesAsync(name));
        Assert.Equal(0, await OccurrencesAsync("ada@example.org"));
        Assert.Equal(1, await OccurrencesAsync("bulwell") - 1); // the area is not personal: it stays readable for SQL

        await using var q = store.QuerySession();
        var e = (PersonRegistered)Assert.Single(await q.Events.FetchStreamAsync($"person-{person}")).Data;
        Assert.Equal((name, "ada@example.org"), (e.Name, e.Email));
        Assert.Equal(name, (await q.LoadAsync<PersonCard>(person.ToString()))!.Name);
    }

    [Fact]
    public async Task erasure_leaves_no_plaintext_anywhere_and_the_rest_of_the_history_intact()
    {
        var host = await Fixture.StartHostAsync(new RecordingPublisher(), "erase", daemon: false);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var person = Guid.NewGuid();
        var name = $"Grace Hopper {Guid.NewGuid():N}";
        var stream = $"person-{person}";
        using (PersonalDataScope.Begin())
        {
            await using var s = store.LightweightSession();
            s.Events.StartStream(stream, new PersonRegistered(person, name, "grace@example.org", "clifton"));
            s.Store(new PersonCard(person.ToString(), name, "clifton"));
            await s.SaveChangesAsync();
        }

        var keyBefore = await Fixture.ScalarAsync<string>($"select data->>'key' from {MartenFixture.Schema}.mt_doc_subject_key where id = @id", ("id", $"person:{person}"));
        using (PersonalDataScope.Begin())
        {
            await using var s = store.LightweightSession();
            s.EraseSubject($"person:{person}");
            await s.SaveChangesAsync();
        }

        Assert.Equal(0, await OccurrencesAsync(name));
        Assert.Equal(0, await OccurrencesAsync(keyBefore));
        await using var q = store.QuerySession();
        var e = (PersonRegistered)Assert.Single(await q.Events.FetchStreamAsync(stream)).Data;
        Assert.Null(e.Name);
        Assert.Null(e.Email);
        Assert.Equal(("clifton", person), (e.Area, e.PersonId));
        var card = await q.LoadAsync<PersonCard>(person.ToString());
        Assert.Null(card!.Name);
        Assert.Equal("clifton", card.Area);
        Assert.True(await q.IsErasedAsync($"person:{person}"));
    }

    [Fact]
    public async Task an_erased_subject_never_gets_a_new_key()
    {
        var host = await Fixture.StartHostAsync(new RecordingPublisher(), "tomb", daemon: false);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var person = Guid.NewGuid();
        await CommandPath.RunAsync(store, (s, _) =>
        {
            s.Events.StartStream($"person-{person}", new PersonRegistered(person, "Alan", null, "bulwell"));
            return Task.FromResult(true);
        });
        await CommandPath.RunAsync(store, (s, _) =>
        {
            s.EraseSubject($"person:{person}");
            return Task.FromResult(true);
        });

        await Assert.ThrowsAsync<SubjectErasedException>(() => CommandPath.RunAsync(store, (s, _) =>
        {
            s.Events.Append($"person-{person}", new PersonRegistered(person, "Alan again", null, "bulwell"));
            return Task.FromResult(true);
        }));
        Assert.Equal(1, await Fixture.ScalarAsync<long>($"select count(*) from {MartenFixture.Schema}.mt_events where stream_id = @s", ("s", $"person-{person}")));
    }

    [Fact]
    public async Task concurrent_first_writers_for_one_subject_end_with_one_key_and_everything_readable()
    {
        var hosts = new[] { await Fixture.StartHostAsync(new RecordingPublisher(), "key-a", daemon: false), await Fixture.StartHostAsync(new RecordingPublisher(), "key-b", daemon: false) };
        var person = Guid.NewGuid();

        // Every writer finds no key and creates one; all but one lose on the key's primary key and are decided again
        // against the winner's key by the command path.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => CommandPath.RunAsync(hosts[i % 2].Services.GetRequiredService<IDocumentStore>(), (s, _) =>
        {
            s.Events.StartStream($"person-{person}-{i}", new PersonRegistered(person, $"Writer {i}", null, "bulwell"));
            return Task.FromResult(true);
        }))));

        Assert.Equal(1, await Fixture.ScalarAsync<long>($"select count(*) from {MartenFixture.Schema}.mt_doc_subject_key where id = @id", ("id", $"person:{person}")));
        await using var q = hosts[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal($"Writer {i}", ((PersonRegistered)Assert.Single(await q.Events.FetchStreamAsync($"person-{person}-{i}")).Data).Name);
        }
    }
}
