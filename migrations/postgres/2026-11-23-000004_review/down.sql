DROP TABLE review_assignments;
DROP TABLE review_rounds;
