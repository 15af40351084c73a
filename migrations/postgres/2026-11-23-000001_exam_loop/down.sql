DROP TABLE answers;
DROP TABLE attempts;
DROP TABLE exam_items;
DROP TABLE exams;
DROP TABLE questions;
DROP TABLE login_failures;
DROP TABLE users;
