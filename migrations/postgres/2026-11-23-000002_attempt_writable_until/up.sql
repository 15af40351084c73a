-- When an attempt stops taking writes, decided once at start (domain::exam), so an
-- autosave can be one conditional statement. Existing attempts: time limit + 60 s.
ALTER TABLE attempts ADD COLUMN writable_until BIGINT NOT NULL DEFAULT 0;
UPDATE attempts SET writable_until = started_at
    + (SELECT time_limit_min FROM exams WHERE exams.id = attempts.exam_id) * 60000 + 60000;
