-- Audience questions for a session's speakers (/qa): one row per question
-- per session, as folded (the same question asked again is a vote for
-- it). The asker is kept as the keyed user, as the usage log keeps them;
-- their platform id only when they chose to be shown with it. Where the
-- question was posted for votes, to change or take the post down.
CREATE TABLE qa_questions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform TEXT NOT NULL,
    workspace TEXT NOT NULL,
    channel TEXT NOT NULL,
    session_id TEXT NOT NULL,
    question TEXT NOT NULL,
    folded TEXT NOT NULL,
    user_key TEXT NOT NULL,
    asker TEXT,
    asked_at BIGINT NOT NULL,
    votes BIGINT NOT NULL DEFAULT 0,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    answered_at BIGINT,
    answered_by TEXT,
    hidden_at BIGINT,
    hidden_by TEXT,
    removed_at BIGINT,
    removed_by TEXT,
    post_channel TEXT,
    post_message TEXT
);
CREATE UNIQUE INDEX qa_questions_once ON qa_questions (session_id, folded);
CREATE INDEX qa_questions_by_person ON qa_questions (user_key, asked_at);

-- One vote per person per question; the count on the question is kept in
-- the same transaction.
CREATE TABLE qa_votes (
    question_id BIGINT NOT NULL REFERENCES qa_questions (id),
    user_key TEXT NOT NULL,
    voted_at BIGINT NOT NULL,
    PRIMARY KEY (question_id, user_key)
);

-- The room each channel asks by default (/qa room).
CREATE TABLE qa_rooms (
    platform TEXT NOT NULL,
    workspace TEXT NOT NULL,
    channel TEXT NOT NULL,
    room TEXT NOT NULL,
    PRIMARY KEY (platform, workspace, channel)
);
