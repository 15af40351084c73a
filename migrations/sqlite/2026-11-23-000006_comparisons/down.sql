DROP TABLE review_comparisons;
