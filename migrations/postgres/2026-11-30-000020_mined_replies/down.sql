DROP TABLE mined_replies;
