-- The conversation a platform opened between the bot and a person for
-- direct messages (Discord's DM channel), opened once and reused, so that
-- a reminder to thousands of people is one request each. Removed with the
-- person's agenda.
CREATE TABLE direct_channels (
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    channel     TEXT NOT NULL,
    opened_at   BIGINT NOT NULL,
    PRIMARY KEY (platform, user_id)
);

-- The platform event made for a keynote (a Discord Guild Scheduled Event),
-- by session id. The row is claimed before the event is created, so that
-- replicas sharing the database make one event per session; `fingerprint`
-- is what the event last said, so that only a change is sent.
CREATE TABLE keynote_events (
    session_id   TEXT PRIMARY KEY,
    event_id     TEXT,             -- NULL while the claimant creates it
    fingerprint  TEXT NOT NULL,
    state        TEXT NOT NULL,    -- scheduled | cancelled | removing
    starts_at    BIGINT NOT NULL,  -- the session's start and end as the event says them
    ends_at      BIGINT NOT NULL,
    claimed_at   BIGINT NOT NULL,  -- when it was claimed, or last moved to another state
    claimed_by   TEXT NOT NULL
);
