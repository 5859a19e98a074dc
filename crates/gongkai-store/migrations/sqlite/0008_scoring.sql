-- 考核: each plan's scoring rule (TOML text the office edits; empty means the
-- built-in default) and the bonus items the office awards to units.

ALTER TABLE plans ADD COLUMN scoring TEXT NOT NULL DEFAULT '';

CREATE TABLE bonus_awards (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    item TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    awarded_by TEXT NOT NULL,
    awarded_at TEXT NOT NULL
);
