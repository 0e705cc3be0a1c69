-- The twin of migrations_postgres/2026-12-01-000011_postgres_indexes, which puts the
-- article id beside the search document in PostgreSQL's GIN index. SQLite's FTS5 index
-- already seeks by rowid, and SQLite appends the rowid to every index (the listing order
-- PostgreSQL gets from new indexes there): nothing to change here.
SELECT 1;
