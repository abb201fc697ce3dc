namespace Engagement.Messaging;

/// <summary>
/// The messaging service's plain tables, beside Marten's, applied once at start-up as numbered schema steps. Aggregates (key individuals, subscriptions, alerts,
/// replies) are event-sourced; these hold what is read in bulk (who to target) and what is written in bulk (one inbox
/// message and one delivery row per recipient), which would swamp an event log at a million residents.
/// </summary>
public static class Tables
{
    public const string Component = "messaging";

    public static readonly string[] Migrations =
    [
        """
        -- Who may be targeted: one row per resident subscription, kept by the Subscriptions feature. No contact details:
        -- addresses live encrypted in the subscription's events and document.
        create table {schema}.subscribers (
            subscriber_id text primary key,
            area_codes text[] not null,
            interests text[] not null,
            email_verified boolean not null default false,
            sms_enabled boolean not null default false,
            language text not null default 'en',
            quiet_start time,
            quiet_end time,
            active boolean not null default true,
            updated timestamptz not null default now());
        create index subscribers_areas on {schema}.subscribers using gin (area_codes);
        create index subscribers_interests on {schema}.subscribers using gin (interests);

        -- Key individuals for targeting, kept by the Kin feature; contact details only in encrypted documents.
        create table {schema}.kin_members (
            member_id text primary key,
            area_codes text[] not null,
            issues text[] not null,
            preferred_channel text not null,
            language text not null default 'en',
            active boolean not null default true,
            updated timestamptz not null default now());
        create index kin_members_areas on {schema}.kin_members using gin (area_codes);

        -- A resident's in-app inbox. An alert reaches a resident's inbox at most once.
        create table {schema}.inbox_messages (
            id uuid primary key,
            subscriber_id text not null,
            alert_id uuid,
            kind text not null,
            subject text not null,
            body text not null,
            language text not null default 'en',
            created timestamptz not null default now(),
            read_at timestamptz,
            useful boolean);
        create index inbox_by_subscriber on {schema}.inbox_messages (subscriber_id, created desc);
        create unique index inbox_once_per_alert on {schema}.inbox_messages (alert_id, subscriber_id) where alert_id is not null;

        -- One row per (alert, recipient, channel): a redelivered batch can never send twice.
        create table {schema}.deliveries (
            alert_id uuid not null,
            recipient_id text not null,
            channel text not null,
            status text not null,
            reason text,
            attempts int not null default 0,
            updated timestamptz not null default now(),
            primary key (alert_id, recipient_id, channel));
        create index deliveries_pending on {schema}.deliveries (channel, status) where status = 'pending';
        create index deliveries_by_recipient on {schema}.deliveries (recipient_id, updated);

        -- Running counts per alert, channel and status, moved in the same transaction as the rows they count, so an
        -- alert's status is a handful of rows to read however large the alert.
        create table {schema}.alert_counters (
            alert_id uuid not null,
            channel text not null,
            status text not null,
            count bigint not null,
            primary key (alert_id, channel, status));

        -- Fan-out progress: how many recipient batches an alert was cut into, and how many are done.
        create table {schema}.alert_progress (
            alert_id uuid primary key,
            targeted bigint not null,
            batches_total int not null,
            batches_done int not null default 0,
            started timestamptz not null default now(),
            completed timestamptz);

        -- Non-urgent email/SMS sends per resident, for the fatigue budget (default 3 in 7 days).
        create table {schema}.fatigue (
            subscriber_id text primary key,
            sends timestamptz[] not null default '{}');
        """,
        """
        -- An alert's recipients cut into batches when it is dispatched, in the same transaction as the dispatch. A batch
        -- is published to RabbitMQ as a small message naming it; the consumer that takes it marks it done in the same
        -- transaction as its inbox and delivery rows, so a redelivered batch does nothing twice. Batches never confirmed
        -- by the broker (a crash between commit and publish) are published again by the dispatcher.
        create table {schema}.alert_batches (
            alert_id uuid not null,
            batch_no int not null,
            recipients text[] not null,
            status text not null default 'pending',
            queued timestamptz,
            done timestamptz,
            primary key (alert_id, batch_no));
        create index alert_batches_unqueued on {schema}.alert_batches (alert_id) where status = 'pending';

        -- Email and SMS are sent by channel workers that take pending rows with SKIP LOCKED (competing across instances).
        alter table {schema}.deliveries add column next_attempt timestamptz;
        alter table {schema}.deliveries add column language text;
        """,
        """
        -- Measured at millions of rows (BENCHMARKS.md): the channel workers' poll, the completion check and the dispatcher's
        -- sweep each scanned whole tables, every few hundred milliseconds, even when idle. These indexes serve exactly them.
        drop index {schema}.deliveries_pending;
        create index deliveries_due on {schema}.deliveries (channel, updated) where status in ('pending', 'sending');
        create index deliveries_open_by_alert on {schema}.deliveries (alert_id) where status in ('pending', 'sending');

        -- Time-ordered ids for inbox rows written in bulk: random ids scatter every insert across the primary key's
        -- index (a 2,000-row batch took 35-42 ms with random ids against about 21 ms with time-ordered ones).
        create function {schema}.uuid_v7() returns uuid language sql volatile as $$
            select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing
                substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid
        $$;
        """,
        """
        -- A message is marked just before it is handed to SMTP or the SMS provider. A claimed row whose lease ran out
        -- with the mark set has left, but its outcome was never recorded (the record failed, or the process died): it is
        -- settled as delivered, unconfirmed, and never sent again. Sending it again is how residents got the same email
        -- six times.
        alter table {schema}.deliveries add column handed_over timestamptz;
        """,
    ];
}
