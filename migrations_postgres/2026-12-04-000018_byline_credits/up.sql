-- Bylines in credit order for a list of articles (every card), from the index alone. The
-- primary key (article_id, author_id) found the rows but not their position, so each byline
-- cost a second lookup in the table and each list a sort: a sixth of a cold article page's
-- CPU at 100,000 articles went to the bylines of its twenty cards (perf on SQLite, 2026-12-04;
-- the twin of the SQLite migration, its effect here not measured).
CREATE INDEX article_authors_credits ON article_authors (article_id, position, author_id);
