DROP TABLE article_pinned_related;
DROP TRIGGER articles_deleted_leave_search;
DROP TRIGGER articles_leave_search;
DROP TABLE article_words_vocab;
DROP TABLE article_words;
DROP TABLE article_search;
DROP TABLE article_search_content;
