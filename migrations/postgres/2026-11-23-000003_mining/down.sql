DROP TABLE mined_answers;
DROP TABLE mined_weeks;
DROP TABLE mined_questions;
DROP TABLE mined_clusters;
DROP TABLE chat_imports;
