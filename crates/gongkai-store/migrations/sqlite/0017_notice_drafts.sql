-- 督办 is the office's act: the rule (N working days overdue) drafts a
-- notice, once per obligation and due date; only the office issues it
-- (then it is numbered and reaches the unit) or sets it aside. A notice's
-- deadline moved by a granted extension keeps the one first given.

CREATE TABLE notice_drafts (
    id INTEGER PRIMARY KEY,
    obligation_id INTEGER NOT NULL REFERENCES obligations (id),
    due_date TEXT NOT NULL,
    drafted_on TEXT NOT NULL,
    new_due TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CONSTRAINT notice_drafts_status_check CHECK (status IN ('draft', 'issued', 'dismissed')),
    notice_id INTEGER REFERENCES notices (id),
    decided_by TEXT,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (obligation_id, due_date)
);

CREATE INDEX notice_drafts_open ON notice_drafts (status, id);

ALTER TABLE notices ADD COLUMN first_new_due TEXT;
