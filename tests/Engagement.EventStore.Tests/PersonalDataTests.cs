namespace Engagement.EventStore.Tests;

public sealed class PersonalDataTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task personal_fields_are_never_stored_in_plaintext()
    {
        var store = await db.StoreAsync("pd_plain");
        await store.AppendAsync("p-1", "person", ExpectedVersion.NoStream, [new PersonRegistered("p-1", "Jane Plaintext", "jane@example.org", "bulwell")]);
        await using (var s = store.OpenSession())
        {
            s.Store("p-1", new PersonCard("p-1", "Jane Plaintext", "bulwell"));
            await s.SaveChangesAsync();
        }

        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from pd_plain.events where data::text like '%Jane%' or data::text like '%jane@%'"));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from pd_plain.documents where data::text like '%Jane%'"));
        Assert.Equal(1L, await db.ScalarAsync<long>("select count(*) from pd_plain.events where data::text like '%bulwell%'"));
        var e = Assert.Single(await store.ReadStreamAsync("p-1"));
        Assert.Equal(new PersonRegistered("p-1", "Jane Plaintext", "jane@example.org", "bulwell"), e.Data);
        Assert.Equal("Jane Plaintext", (await store.LoadAsync<PersonCard>("p-1"))!.Name);
    }

    [Fact]
    public async Task after_erasure_personal_fields_read_back_as_null_and_the_rest_of_the_history_stays()
    {
        var store = await db.StoreAsync("pd_erase");
        await store.AppendAsync("p-1", "person", ExpectedVersion.NoStream, [new PersonRegistered("p-1", "Jane Erased", "jane@example.org", "bulwell")]);
        await store.AppendAsync("p-1", "person", ExpectedVersion.Exactly(1), [new ThingHappened("not personal", 1)]);
        await store.AppendAsync("p-2", "person", ExpectedVersion.NoStream, [new PersonRegistered("p-2", "Sam Kept", "sam@example.org", "meadows")]);
        await using (var s = store.OpenSession())
        {
            s.Store("p-1", new PersonCard("p-1", "Jane Erased", "bulwell"));
            await s.SaveChangesAsync();
        }

        Assert.True(await store.EraseSubjectAsync("p-1"));

        var erased = await store.ReadStreamAsync("p-1");
        Assert.Equal(new PersonRegistered("p-1", null, null, "bulwell"), erased[0].Data);
        Assert.Equal(new ThingHappened("not personal", 1), erased[1].Data);
        Assert.Equal(new PersonCard("p-1", null, "bulwell"), await store.LoadAsync<PersonCard>("p-1"));
        Assert.Equal(new PersonRegistered("p-2", "Sam Kept", "sam@example.org", "meadows"), Assert.Single(await store.ReadStreamAsync("p-2")).Data);
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from pd_erase.subject_keys where subject_id = 'p-1' and key is not null"));
        Assert.False(await store.EraseSubjectAsync("p-1"));
    }

    [Fact]
    public async Task an_erased_subject_can_never_be_given_a_new_key_so_its_old_data_stays_unreadable()
    {
        var store = await db.StoreAsync("pd_tombstone");
        await store.AppendAsync("p-1", "person", ExpectedVersion.NoStream, [new PersonRegistered("p-1", "Tom Stone", null, "bulwell")]);
        await using (var session = store.OpenSession())
        {
            session.Append("p-1", "person", ExpectedVersion.Exactly(1), [new ThingHappened("erased in the same transaction", 1)]);
            session.EraseSubject("p-1");
            await session.SaveChangesAsync();
        }

        var error = await Assert.ThrowsAsync<SubjectErasedException>(() =>
            store.AppendAsync("p-1", "person", ExpectedVersion.Exactly(2), [new PersonRegistered("p-1", "Tom Again", null, "bulwell")]));

        Assert.Equal("p-1", error.Subject);
        Assert.Equal(new PersonRegistered("p-1", null, null, "bulwell"), (await store.ReadStreamAsync("p-1"))[0].Data);
        Assert.Equal(2, (await store.ReadStreamAsync("p-1")).Count);
        Assert.Equal(1L, await db.ScalarAsync<long>("select count(*) from pd_tombstone.subject_keys where subject_id = 'p-1' and key is null and erased is not null"));
    }

    [Fact]
    public async Task a_ciphertext_moved_to_another_subject_does_not_decrypt()
    {
        var store = await db.StoreAsync("pd_bound");
        await store.AppendAsync("p-1", "person", ExpectedVersion.NoStream, [new PersonRegistered("p-1", "Jane", null, "bulwell")]);
        await store.AppendAsync("p-2", "person", ExpectedVersion.NoStream, [new PersonRegistered("p-2", "Sam", null, "bulwell")]);
        // Copy p-1's encrypted name into p-2's event: the subject id is bound into the ciphertext, so it must fail.
        await db.ScalarAsync<int>("""
            update pd_bound.events set data = jsonb_set(data, '{name}', (select data->'name' from pd_bound.events where stream_id = 'p-1'))
            where stream_id = 'p-2' returning 1
            """);

        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => store.ReadStreamAsync("p-2"));
    }
}
