-- Each person's agenda. A person is the platform and the platform's user
-- id, which a direct message needs; nothing else about them is kept.

-- The sessions each person chose, by session id, so that a new version of
-- the programme keeps them and a cancelled session that comes back is
-- theirs again.
CREATE TABLE favourites (
    platform    TEXT NOT NULL,     -- discord | slack | terminal
    user_id     TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    added_at    BIGINT NOT NULL,
    PRIMARY KEY (platform, user_id, session_id)
);
CREATE INDEX favourites_session ON favourites (session_id);

-- What each person set: their reminder lead and their calendar feed.
CREATE TABLE agenda_people (
    platform        TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    remind_minutes  INTEGER,       -- NULL: the bot's default; 0: no reminders
    feed_nonce      TEXT,          -- with the secret key, makes the feed's token; NULL: no feed
    feed_hash       TEXT UNIQUE,   -- SHA-256 of the token, to find whose feed is asked for
    changed_at      BIGINT,        -- when their favourites last changed, for their feed's Last-Modified
    PRIMARY KEY (platform, user_id)
);

-- A direct message to one person about one session (a reminder, a change
-- notice), claimed here before it is sent, so that it goes out once across
-- restarts and replicas.
CREATE TABLE personal_notices (
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,    -- reminder | changed | cancelled
    version     BIGINT NOT NULL,  -- reminders: the session's start; notices: the schedule version
    claimed_at  BIGINT NOT NULL,
    claimed_by  TEXT NOT NULL,
    PRIMARY KEY (platform, user_id, session_id, kind, version)
);

-- A change's session as it was after the change (as it last was, for a
-- cancellation), so that feeds keep cancelled sessions with their times,
-- and notices can say what the session was before.
ALTER TABLE schedule_changes ADD COLUMN end_at BIGINT;
ALTER TABLE schedule_changes ADD COLUMN before_start_at BIGINT;
ALTER TABLE schedule_changes ADD COLUMN before_end_at BIGINT;
ALTER TABLE schedule_changes ADD COLUMN before_title TEXT;
ALTER TABLE schedule_changes ADD COLUMN before_room TEXT;
ALTER TABLE schedule_changes ADD COLUMN before_speakers TEXT;
ALTER TABLE schedule_changes ADD COLUMN speakers TEXT;
