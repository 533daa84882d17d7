-- The people of the programme, replaced with it by every import; a new
-- import changes the conference's version, so every replica reloads them.
CREATE TABLE programme_speakers (
    name      TEXT PRIMARY KEY,   -- as sessions list them
    position  INTEGER NOT NULL,   -- the order the export gave them in
    profile   TEXT NOT NULL       -- JSON: aliases, id, biography, tagline, company, avatar, links, answers
);

-- Where a session's recording is, when the export says.
ALTER TABLE sessions ADD COLUMN recording TEXT;

-- The sample programme stored from data/ at first start: the first real
-- import replaces it without announcing its sessions as cancelled.
ALTER TABLE schedule_conference ADD COLUMN seeded INTEGER NOT NULL DEFAULT 0;

-- Whether a change is news: changes that make a new programme (over the
-- sample, or sharing no session with the one before) are recorded, not announced.
ALTER TABLE schedule_changes ADD COLUMN announce INTEGER NOT NULL DEFAULT 1;

-- Recordings' transcripts added by organisers (`emcee transcript import`,
-- `/transcript import`), read by every replica beside those in data/.
CREATE TABLE transcripts (
    name         TEXT PRIMARY KEY,   -- the file name, unique per recording
    text         TEXT NOT NULL,      -- as given, in any format emcee reads
    meta         TEXT NOT NULL,      -- JSON: session, speakers, title, url, kind
    revision     BIGINT NOT NULL,    -- goes up with every import, so replicas see a change
    imported_at  BIGINT NOT NULL
);
