-- Closing an exam submits every attempt still in progress with what it saved;
-- such attempts are marked, so the trainee is told why and a reopening of the
-- exam (before its review round) can give them back.
ALTER TABLE attempts ADD COLUMN closed_by_lead BOOLEAN NOT NULL DEFAULT FALSE;
