DROP TABLE review_calibrations;
