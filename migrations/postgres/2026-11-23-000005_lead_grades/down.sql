ALTER TABLE review_rounds DROP COLUMN weights_json;
DROP TABLE lead_grades;
