-- The programme: one conference, its sessions, the history of its changes,
-- and the announcements made about them. Instants are Unix seconds.

CREATE TABLE schedule_conference (
    id          INTEGER PRIMARY KEY CHECK (id = 1),  -- one conference per database
    title       TEXT NOT NULL,
    acronym     TEXT,
    time_zone   TEXT NOT NULL,     -- an IANA name, or fixed:<offset seconds>
    version     BIGINT NOT NULL,   -- goes up by one with every change
    source      TEXT,              -- the file or URL last imported
    updated_at  BIGINT NOT NULL
);

CREATE TABLE sessions (
    id        TEXT PRIMARY KEY,    -- the export's guid, UID or id
    title     TEXT NOT NULL,
    subtitle  TEXT NOT NULL DEFAULT '',
    abstract  TEXT NOT NULL DEFAULT '',
    speakers  TEXT NOT NULL DEFAULT '[]',  -- a JSON array of names
    room      TEXT NOT NULL,
    track     TEXT,
    kind      TEXT,
    language  TEXT,
    start_at  BIGINT NOT NULL,
    end_at    BIGINT NOT NULL,
    url       TEXT
);
CREATE INDEX sessions_start_at ON sessions (start_at);

CREATE TABLE schedule_changes (
    version     BIGINT NOT NULL,
    session_id  TEXT NOT NULL,
    change      TEXT NOT NULL,               -- added | removed | changed
    parts       TEXT NOT NULL DEFAULT '',    -- for changed: time,room,title,speakers,details
    title       TEXT NOT NULL,
    start_at    BIGINT NOT NULL,
    room        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    PRIMARY KEY (version, session_id)
);

-- An announcement is claimed here before it is sent, so that it goes out once
-- across restarts and replicas.
CREATE TABLE announcements (
    session_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,    -- reminder | added | moved | cancelled
    version     BIGINT NOT NULL,  -- reminders: the session's start; notices: the schedule version
    claimed_at  BIGINT NOT NULL,
    claimed_by  TEXT NOT NULL,
    PRIMARY KEY (session_id, kind, version)
);
