-- Every room the programme names, those it gives no session too (FOSDEM
-- lists a room on a day it holds nothing), as a JSON array of names, so
-- that a room the programme knows is never answered as one it does not.
ALTER TABLE schedule_conference ADD COLUMN rooms TEXT NOT NULL DEFAULT '[]';
