-- Questions /ask could not answer, passed to an organisers' help channel,
-- and the answer an organiser gave. One open request per question as
-- folded (the same question asked again joins it).
CREATE TABLE help_requests (
    id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    workspace TEXT NOT NULL,
    question TEXT NOT NULL,
    folded TEXT NOT NULL,
    asked_at BIGINT NOT NULL,
    channel TEXT,
    message TEXT,
    answer TEXT,
    answered_at BIGINT,
    answered_by TEXT
);
CREATE UNIQUE INDEX help_requests_open ON help_requests (platform, workspace, folded) WHERE answered_at IS NULL;
CREATE INDEX help_requests_by_time ON help_requests (platform, workspace, asked_at);

-- Who waits for each answer: the keyed user (for the per-person limit) and
-- the platform's user id, which sending the answer needs; removed once it
-- is sent.
CREATE TABLE help_askers (
    request_id TEXT NOT NULL REFERENCES help_requests (id),
    user_key TEXT NOT NULL,
    asker TEXT NOT NULL,
    asked_at BIGINT NOT NULL,
    PRIMARY KEY (request_id, user_key)
);
CREATE INDEX help_askers_by_person ON help_askers (user_key, asked_at);
