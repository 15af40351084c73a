DROP TABLE week_exceptions;
DROP TABLE enrolments;
DROP TABLE cohort_exams;
DROP TABLE cohorts;
