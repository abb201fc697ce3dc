using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.MartenAdditions;
using Engagement.Messaging.Inbox;
using Engagement.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using static Engagement.Messaging.Tests.SubscriptionTestKit;

namespace Engagement.Messaging.Tests;

public sealed class InboxTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private EventStoreSettings Store => f.Service.Services.GetRequiredService<EventStoreSettings>();

    /// <summary>n messages a minute apart: "Message 1" is the newest. Returns their ids, newest first.</summary>
    private async Task<Guid[]> SeedAsync(string sub, int n)
    {
        await f.ScalarAsync<int>(
            """
            insert into messaging.inbox_messages (id, subscriber_id, alert_id, kind, subject, body, created)
            select gen_random_uuid(), @s, gen_random_uuid(), 'alert:information', 'Message ' || g, 'Body ' || g, now() - make_interval(mins => g)
            from generate_series(1, @n) g returning 1
            """, ("s", sub), ("n", n));
        return await Scalar<Guid[]>(f, "select array_agg(id order by created desc, id desc) from messaging.inbox_messages where subscriber_id = @s", sub);
    }

    private static async Task<JsonObject> PageAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/messaging/inbox" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json(response);
    }

    private static Guid[] Ids(JsonObject page) => page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()).ToArray();

    [Fact]
    public async Task numbered_pages_are_newest_first_with_total_and_unread_counts()
    {
        var sub = NewSub("pages");
        using var me = f.Resident(sub);
        var ids = await SeedAsync(sub, 25);

        var first = await PageAsync(me, "?page=1&pageSize=10");
        var third = await PageAsync(me, "?page=3&pageSize=10");
        var beyond = await PageAsync(me, "?page=4&pageSize=10");

        Assert.Equal(ids[..10], Ids(first));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"Message {i}"), first["items"]!.AsArray().Select(i => Str(i!["subject"])));
        Assert.Equal(ids[20..], Ids(third));
        Assert.Empty(Ids(beyond));
        Assert.Null(third["nextCursor"]);
        Assert.NotNull(first["nextCursor"]);
        Assert.Equal(25, first["total"]!.GetValue<int>());
        Assert.Equal(25, first["unread"]!.GetValue<int>());
        Assert.Equal(3, third["page"]!.GetValue<int>());
        var created = first["items"]![0]!["created"]!.GetValue<DateTimeOffset>();
        Assert.Equal(London.Zone.GetUtcOffset(created), created.Offset);
    }

    [Fact]
    public async Task the_default_page_is_the_newest_twenty_and_an_empty_inbox_is_an_empty_page()
    {
        var sub = NewSub("default");
        using var me = f.Resident(sub);
        var empty = await PageAsync(me, "");
        var ids = await SeedAsync(sub, 21);

        var page = await PageAsync(me, "");

        Assert.Empty(Ids(empty));
        Assert.Equal(0, empty["total"]!.GetValue<int>());
        Assert.Null(empty["nextCursor"]);
        Assert.Equal(ids[..20], Ids(page));
        Assert.Equal(20, page["pageSize"]!.GetValue<int>());
    }

    [Fact]
    public async Task a_cursor_walks_the_whole_inbox_once_even_when_a_message_arrives_meanwhile()
    {
        var sub = NewSub("cursor");
        using var me = f.Resident(sub);
        var ids = await SeedAsync(sub, 7);

        var seen = new List<Guid>();
        var page = await PageAsync(me, "?pageSize=3");
        seen.AddRange(Ids(page));
        await using (var conn = await Store.DataSource.OpenConnectionAsync())
        {
            await InboxWriter.AddAsync(conn, "messaging", new InboxItem(Guid.NewGuid(), sub, null, "reply-answer", "Newest", "Arrived mid-scroll", "en"), default);
        }

        var pages = 1;
        while (page["nextCursor"] is { } cursor)
        {
            page = await PageAsync(me, $"?pageSize=3&cursor={Str(cursor)}");
            Assert.Null(page["page"]);
            seen.AddRange(Ids(page));
            pages++;
        }

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
        Assert.Equal(8, page["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task marking_a_message_read_lowers_the_unread_count_and_keeps_the_first_read_time()
    {
        var sub = NewSub("read");
        using var me = f.Resident(sub);
        var ids = await SeedAsync(sub, 3);

        var first = await me.PostAsync($"/api/messaging/inbox/{ids[1]}/read", null);
        f.Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await me.PostAsync($"/api/messaging/inbox/{ids[1]}/read", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var read = await Json(first);
        Assert.True(read["read"]!.GetValue<bool>());
        Assert.Equal(read["readAt"]!.GetValue<DateTimeOffset>(), (await Json(again))["readAt"]!.GetValue<DateTimeOffset>());
        var page = await PageAsync(me, "");
        Assert.Equal(2, page["unread"]!.GetValue<int>());
        Assert.Equal([false, true, false], page["items"]!.AsArray().Select(i => i!["read"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task rating_a_message_records_whether_it_was_useful_and_marks_it_read()
    {
        var sub = NewSub("rate");
        using var me = f.Resident(sub);
        var ids = await SeedAsync(sub, 2);

        var useful = await me.PostAsJsonAsync($"/api/messaging/inbox/{ids[0]}/rating", new { useful = true });
        var changed = await me.PostAsJsonAsync($"/api/messaging/inbox/{ids[0]}/rating", new { useful = false });
        var missing = await me.PostAsJsonAsync($"/api/messaging/inbox/{ids[1]}/rating", new { });
        var noBody = await me.PostAsync($"/api/messaging/inbox/{ids[1]}/rating", null);
        var notBool = await me.PostAsync($"/api/messaging/inbox/{ids[1]}/rating", new StringContent("""{"useful":"very"}""", Encoding.UTF8, "application/json"));

        var view = await Json(useful);
        Assert.True(view["useful"]!.GetValue<bool>());
        Assert.True(view["read"]!.GetValue<bool>());
        Assert.False((await Json(changed))["useful"]!.GetValue<bool>());
        Assert.False(await f.ScalarAsync<bool>("select useful from messaging.inbox_messages where id = @id", ("id", ids[0])));
        foreach (var bad in new[] { missing, noBody })
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.NotNull((await Json(bad))["errors"]!["useful"]);
        }

        Assert.Equal(HttpStatusCode.BadRequest, notBool.StatusCode);
        Assert.Equal("application/problem+json", notBool.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0L, await f.ScalarAsync<long>("select count(*) from messaging.inbox_messages where id = @id and (useful is not null or read_at is not null)", ("id", ids[1])));
    }

    [Fact]
    public async Task another_residents_message_is_404_and_left_untouched()
    {
        var alice = NewSub("alice");
        var bob = NewSub("bob");
        var hers = (await SeedAsync(alice, 1))[0];
        await SeedAsync(bob, 2);
        using var b = f.Resident(bob);

        var read = await b.PostAsync($"/api/messaging/inbox/{hers}/read", null);
        var rate = await b.PostAsJsonAsync($"/api/messaging/inbox/{hers}/rating", new { useful = false });
        var unknown = await b.PostAsync($"/api/messaging/inbox/{Guid.NewGuid()}/read", null);
        var bobs = await PageAsync(b, "");

        foreach (var r in new[] { read, rate, unknown })
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        }

        Assert.DoesNotContain(hers, Ids(bobs));
        Assert.Equal(2, bobs["total"]!.GetValue<int>());
        Assert.Equal(0L, await f.ScalarAsync<long>("select count(*) from messaging.inbox_messages where id = @id and (useful is not null or read_at is not null)", ("id", hers)));
    }

    public static TheoryData<string, string> BadPaging => new()
    {
        { "?pageSize=0", "pageSize" },
        { "?pageSize=101", "pageSize" },
        { "?page=0", "page" },
        { "?cursor=not-a-cursor", "cursor" },
        { "?page=2&cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cursor" },
    };

    [Theory]
    [MemberData(nameof(BadPaging))]
    public async Task bad_paging_is_a_400_naming_the_parameter(string query, string field)
    {
        using var me = f.Resident(NewSub("badpage"));

        var response = await me.GetAsync("/api/messaging/inbox" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json(response))["errors"]![field]);
    }

    [Fact]
    public async Task the_inbox_writer_adds_each_message_once_and_an_alert_once_per_resident()
    {
        var sub = NewSub("writer");
        var alert = Guid.NewGuid();
        var item = new InboxItem(Guid.NewGuid(), sub, alert, "alert:appeal", "Have you seen this van?", "Call 101.", "pl");
        await using var conn = await Store.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();

        await InboxWriter.AddAsync(conn, "messaging", item, default);
        await InboxWriter.AddAsync(conn, "messaging", item, default);
        var added = await InboxWriter.AddManyAsync(conn, "messaging",
            [item with { Id = Guid.NewGuid() }, new InboxItem(Guid.NewGuid(), sub, null, "reply-answer", "Answer", "Thanks", "en")], default);
        await tx.CommitAsync();

        Assert.Equal(1, added);
        using var me = f.Resident(sub);
        var page = await PageAsync(me, "");
        Assert.Equal(2, page["total"]!.GetValue<int>());
        var appeal = page["items"]!.AsArray().Single(i => Str(i!["kind"]) == "alert:appeal")!;
        Assert.Equal(alert, appeal["alertId"]!.GetValue<Guid>());
        Assert.Equal("pl", Str(appeal["language"]));
    }
}
