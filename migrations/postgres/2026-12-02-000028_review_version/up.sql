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

CREATE FUNCTION move_review_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE review_version SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

-- Once per statement: starting a round inserts hundreds of assignments.
CREATE TRIGGER review_rounds_move_review_version AFTER INSERT OR UPDATE OR DELETE ON review_rounds
    FOR EACH STATEMENT EXECUTE FUNCTION move_review_version();
CREATE TRIGGER review_assignments_move_review_version AFTER INSERT OR UPDATE OR DELETE ON review_assignments
    FOR EACH STATEMENT EXECUTE FUNCTION move_review_version();
CREATE TRIGGER review_comparisons_move_review_version AFTER INSERT OR UPDATE OR DELETE ON review_comparisons
    FOR EACH STATEMENT EXECUTE FUNCTION move_review_version();
CREATE TRIGGER review_calibrations_move_review_version AFTER INSERT OR UPDATE OR DELETE ON review_calibrations
    FOR EACH STATEMENT EXECUTE FUNCTION move_review_version();
CREATE TRIGGER lead_grades_move_review_version AFTER INSERT OR UPDATE OR DELETE ON lead_grades
    FOR EACH STATEMENT EXECUTE FUNCTION move_review_version();
CREATE TRIGGER round_incumbents_move_review_version AFTER INSERT OR UPDATE OR DELETE ON round_incumbents
    FOR EACH STATEMENT EXECUTE FUNCTION move_review_version();

-- Answers and attempts move it only in exams with a round: autosaves and
-- submissions before a round starts change no final score, and a thousand
-- trainees submitting at once must not queue on one row.
CREATE FUNCTION move_review_version_for_answer() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    attempt BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN attempt := OLD.attempt_id; ELSE attempt := NEW.attempt_id; END IF;
    IF EXISTS (SELECT 1 FROM attempts a JOIN review_rounds r ON r.exam_id = a.exam_id
               WHERE a.id = attempt) THEN
        UPDATE review_version SET n = n + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER answers_move_review_version
    AFTER INSERT OR DELETE OR UPDATE OF score, attempt_id, item_id ON answers
    FOR EACH ROW EXECUTE FUNCTION move_review_version_for_answer();

CREATE FUNCTION move_review_version_for_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    exam BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN exam := OLD.exam_id; ELSE exam := NEW.exam_id; END IF;
    IF EXISTS (SELECT 1 FROM review_rounds r WHERE r.exam_id = exam) THEN
        UPDATE review_version SET n = n + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER attempts_move_review_version
    AFTER INSERT OR DELETE OR UPDATE OF submitted_at, score, exam_id, user_id ON attempts
    FOR EACH ROW EXECUTE FUNCTION move_review_version_for_attempt();
