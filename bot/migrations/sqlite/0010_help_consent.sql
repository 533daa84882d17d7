-- Whether an asker agreed that the organisers see who asked: their name is
-- then shown with the question in the help channel.
ALTER TABLE help_askers ADD COLUMN named BOOLEAN NOT NULL DEFAULT FALSE;
