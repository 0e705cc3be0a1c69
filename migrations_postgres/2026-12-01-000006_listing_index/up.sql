-- PostgreSQL twin of migrations/2026-12-01-000006_listing_index (same SQL where both backends read it alike).
-- Listings by author or tag take the articles' ids from the join table, then need each one's
-- status and publication time: this small covering index answers that without reading the
-- article rows (which are large and spread over the whole file).
CREATE INDEX articles_id_status_published ON articles (id, status, published_at);
