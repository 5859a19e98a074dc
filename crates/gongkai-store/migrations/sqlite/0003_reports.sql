-- Reports (报送) with evidence, their files, and reviews (审核).

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    obligation_id INTEGER NOT NULL REFERENCES obligations (id),
    author_id INTEGER NOT NULL REFERENCES users (id),
    text TEXT NOT NULL,
    published_url TEXT,
    evidence_date TEXT,
    submitted_at TEXT NOT NULL
);

CREATE INDEX submissions_obligation ON submissions (obligation_id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);

CREATE INDEX attachments_submission ON attachments (submission_id);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    reviewer_id INTEGER NOT NULL REFERENCES users (id),
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    reviewed_at TEXT NOT NULL
);
