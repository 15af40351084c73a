DROP TABLE question_links;
