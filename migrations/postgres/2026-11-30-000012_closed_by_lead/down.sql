ALTER TABLE attempts DROP COLUMN closed_by_lead;
