DROP TABLE article_autosaves;
