DROP TABLE library_version;
