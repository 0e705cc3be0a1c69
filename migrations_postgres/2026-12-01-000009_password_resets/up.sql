-- PostgreSQL twin of migrations/2026-12-01-000009_password_resets (same SQL where both backends read it alike).
-- An admin can reset a staff member's password to a one-time password; until they choose their
-- own, the admin shows them nothing but the page to do so.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
