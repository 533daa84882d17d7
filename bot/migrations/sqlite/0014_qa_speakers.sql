-- The accounts organisers linked to a speaker with `/qa speaker`: each may
-- mark the audience questions of that speaker's sessions (answered,
-- hidden, pinned). The account is kept keyed, as the usage log keeps it;
-- the speaker is named as the programme's directory names them.
CREATE TABLE qa_speakers (
    user_key TEXT NOT NULL,
    speaker TEXT NOT NULL,
    linked_by TEXT NOT NULL,
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (user_key, speaker)
);
CREATE INDEX qa_speakers_by_speaker ON qa_speakers (speaker);
