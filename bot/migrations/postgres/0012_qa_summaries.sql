-- The end-of-session list of a session's audience questions, posted once
-- in each channel its questions were posted in: a row claims it, so that
-- of many replicas one posts it.
CREATE TABLE qa_summaries (
    session_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    posted_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, platform, channel)
);
