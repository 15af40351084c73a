DROP TABLE review_rubrics;
