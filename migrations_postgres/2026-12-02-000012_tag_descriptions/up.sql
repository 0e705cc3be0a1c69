-- A tag's own description for search engines (its page falls back to one built from its name
-- when this is empty, as a section's and an author's do).
ALTER TABLE tags ADD COLUMN description TEXT NOT NULL DEFAULT '';
