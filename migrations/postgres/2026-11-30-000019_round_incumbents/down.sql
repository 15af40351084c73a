DROP TABLE round_incumbents;
