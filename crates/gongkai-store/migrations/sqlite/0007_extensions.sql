-- 延期申请: a unit asks for a new due date with a reason; the office grants
-- or refuses. A granted request moves the obligation's due date, and the
-- requests kept here are its due-date history.

CREATE TABLE extensions (
    id INTEGER PRIMARY KEY,
    obligation_id INTEGER NOT NULL REFERENCES obligations (id),
    previous_due TEXT NOT NULL,
    requested_due TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    decided_by TEXT,
    decided_at TEXT,
    decision_note TEXT NOT NULL DEFAULT ''
);

CREATE INDEX extensions_obligation ON extensions (obligation_id);
