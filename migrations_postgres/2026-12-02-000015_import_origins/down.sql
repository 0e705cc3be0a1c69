DROP TABLE import_origins;
