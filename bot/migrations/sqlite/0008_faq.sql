-- The organisers' FAQ (`emcee faq import`, `/faq import`): every import is
-- a new version, kept; every replica answers from the latest, and a
-- re-import is compared with it to say what was added, changed and removed.
CREATE TABLE faq_versions (
    version      BIGINT PRIMARY KEY,   -- 1, 2, 3… one per import
    source       TEXT NOT NULL,        -- the file name or address it came from
    format       TEXT NOT NULL,        -- Markdown, HTML, YAML or JSON
    entries      TEXT NOT NULL,        -- JSON: [{question, answer, section}] in the page's order
    imported_at  BIGINT NOT NULL
);
