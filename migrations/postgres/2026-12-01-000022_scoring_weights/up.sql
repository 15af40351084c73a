-- The automatic scorer's weights as a lead chose them: each row is one
-- choice, the latest one in force. A model (domain::calibration::Model as
-- JSON) fitted to the team's own grades, or NULL for the built-in weights.
CREATE TABLE scoring_weights (
    id BIGSERIAL PRIMARY KEY,
    model_json TEXT,
    chosen_by BIGINT NOT NULL REFERENCES users (id),
    chosen_at BIGINT NOT NULL
);
