-- One counter that the database itself moves on whenever something a review
-- round's final scores are computed from changes: the rounds, their reviews,
-- comparisons, calibrations and entered scripts, the leads' grades, and the
-- answers and attempts of exams that have a round. Every instance reads it in
-- one primary-key read before using the final scores it keeps in memory.
-- Triggers rather than a call in each write path, so no path can forget it.
CREATE TABLE review_version (
    id INTEGER PRIMARY KEY NOT NULL,
    n BIGINT NOT NULL
);
INSERT INTO review_version (id, n) VALUES (1, 0);

CREATE TRIGGER review_rounds_insert_moves_review_version AFTER INSERT ON review_rounds
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER review_rounds_update_moves_review_version AFTER UPDATE ON review_rounds
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER review_rounds_delete_moves_review_version AFTER DELETE ON review_rounds
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER review_assignments_insert_moves_review_version AFTER INSERT ON review_assignments
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER review_assignments_update_moves_review_version AFTER UPDATE ON review_assignments
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER review_assignments_delete_moves_review_version AFTER DELETE ON review_assignments
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER review_comparisons_insert_moves_review_version AFTER INSERT ON review_comparisons
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER review_comparisons_update_moves_review_version AFTER UPDATE ON review_comparisons
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER review_comparisons_delete_moves_review_version AFTER DELETE ON review_comparisons
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER review_calibrations_insert_moves_review_version AFTER INSERT ON review_calibrations
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER review_calibrations_update_moves_review_version AFTER UPDATE ON review_calibrations
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER review_calibrations_delete_moves_review_version AFTER DELETE ON review_calibrations
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER lead_grades_insert_moves_review_version AFTER INSERT ON lead_grades
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER lead_grades_update_moves_review_version AFTER UPDATE ON lead_grades
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER lead_grades_delete_moves_review_version AFTER DELETE ON lead_grades
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER round_incumbents_insert_moves_review_version AFTER INSERT ON round_incumbents
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER round_incumbents_update_moves_review_version AFTER UPDATE ON round_incumbents
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER round_incumbents_delete_moves_review_version AFTER DELETE ON round_incumbents
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

-- Answers and attempts move it only in exams with a round: autosaves and
-- submissions before a round starts change no final score.

CREATE TRIGGER answers_insert_moves_review_version AFTER INSERT ON answers
WHEN EXISTS (SELECT 1 FROM attempts a JOIN review_rounds r ON r.exam_id = a.exam_id WHERE a.id = NEW.attempt_id)
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER answers_delete_moves_review_version AFTER DELETE ON answers
WHEN EXISTS (SELECT 1 FROM attempts a JOIN review_rounds r ON r.exam_id = a.exam_id WHERE a.id = OLD.attempt_id)
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER answers_update_moves_review_version AFTER UPDATE OF score, attempt_id, item_id ON answers
WHEN EXISTS (SELECT 1 FROM attempts a JOIN review_rounds r ON r.exam_id = a.exam_id WHERE a.id = NEW.attempt_id)
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER attempts_insert_moves_review_version AFTER INSERT ON attempts
WHEN EXISTS (SELECT 1 FROM review_rounds r WHERE r.exam_id = NEW.exam_id)
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER attempts_delete_moves_review_version AFTER DELETE ON attempts
WHEN EXISTS (SELECT 1 FROM review_rounds r WHERE r.exam_id = OLD.exam_id)
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER attempts_update_moves_review_version AFTER UPDATE OF submitted_at, score, exam_id, user_id ON attempts
WHEN EXISTS (SELECT 1 FROM review_rounds r WHERE r.exam_id = NEW.exam_id)
BEGIN UPDATE review_version SET n = n + 1 WHERE id = 1; END;
