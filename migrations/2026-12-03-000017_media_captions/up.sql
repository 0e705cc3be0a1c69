-- A caption for each image in the library, offered with its alt text and credit when an
-- article takes it as its hero image.
ALTER TABLE media ADD COLUMN caption TEXT NOT NULL DEFAULT '';
