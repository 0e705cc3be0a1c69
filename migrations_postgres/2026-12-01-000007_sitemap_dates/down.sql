DROP TABLE sitemap_chunk_dates;
DROP TABLE listing_dates;
