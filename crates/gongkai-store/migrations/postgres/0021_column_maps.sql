-- The column roles the office chose for a list's header, remembered by the
-- header's words so that next year's list of the same layout reads the same.

CREATE TABLE column_maps (
    signature TEXT PRIMARY KEY,
    map TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
