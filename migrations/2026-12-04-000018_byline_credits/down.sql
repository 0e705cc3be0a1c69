DROP INDEX article_authors_credits;
