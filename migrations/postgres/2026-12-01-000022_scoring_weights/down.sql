DROP TABLE scoring_weights;
