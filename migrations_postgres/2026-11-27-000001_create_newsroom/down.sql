DROP TABLE article_daily_views;
DROP TABLE article_slug_history;
DROP TABLE article_tags;
DROP TABLE tags;
DROP TABLE article_authors;
DROP TABLE articles;
DROP TABLE authors;
DROP TABLE sections;
