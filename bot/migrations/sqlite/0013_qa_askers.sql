-- One row per person who asks audience questions, written first in the
-- transaction that stores a question: on PostgreSQL it holds the row's
-- lock until commit, so one person's questions asked at once are counted
-- against their limit one after another, never past it together.
CREATE TABLE qa_askers (
    user_key TEXT PRIMARY KEY,
    last_asked BIGINT NOT NULL
);
