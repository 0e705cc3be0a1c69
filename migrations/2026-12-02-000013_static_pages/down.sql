DROP TABLE page_revisions;
DROP TABLE pages;
