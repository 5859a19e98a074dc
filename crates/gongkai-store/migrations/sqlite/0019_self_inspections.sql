-- A unit's year-end 自查报告: the system assembles sections 一 and 二 from
-- the ledger; the unit writes its problems (三, beside the listed ones) and
-- next steps (四); the head signs one revision (any later edit needs a new
-- signature); the signed report is then the unit's report for that year's
-- "纳入自查报告" obligations.

CREATE TABLE self_inspections (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    year INTEGER NOT NULL,
    problems TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 1,
    updated_by INTEGER REFERENCES users (id),
    updated_at TEXT NOT NULL,
    signed_by INTEGER REFERENCES users (id),
    signed_at TEXT,
    UNIQUE (unit_id, year)
);
