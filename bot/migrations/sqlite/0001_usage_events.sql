-- One row per command answered, on any platform. Instants are Unix seconds.
CREATE TABLE usage_events (
    event_id     TEXT PRIMARY KEY,          -- made where the command arrived; a replay never duplicates a row
    occurred_at  BIGINT NOT NULL,           -- Unix seconds, UTC
    platform     TEXT NOT NULL,             -- discord | slack | terminal
    workspace    TEXT NOT NULL DEFAULT '',  -- Discord guild, Slack team; empty in the terminal
    channel      TEXT NOT NULL DEFAULT '',
    user_key     TEXT NOT NULL,             -- HMAC-SHA256 of platform and user id; never the raw id
    command      TEXT NOT NULL,             -- bio | quote | talks | ask | help | schedule | stats
    query        TEXT,                      -- what was asked; NULL when storing query text is off
    status       TEXT NOT NULL,             -- ok | not_found | ambiguous | denied | invalid | error
    result_count INTEGER NOT NULL,
    latency_us   BIGINT NOT NULL,
    source_kind  TEXT                       -- bio | transcript | schedule: what answered, if anything
);

CREATE INDEX usage_events_occurred_at ON usage_events (occurred_at);
CREATE INDEX usage_events_command_occurred_at ON usage_events (command, occurred_at);
CREATE INDEX usage_events_user_key ON usage_events (user_key);
