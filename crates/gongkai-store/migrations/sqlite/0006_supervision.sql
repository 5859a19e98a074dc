-- Supervision: each plan's reminder rules, each unit's channels, the events
-- told (each once per obligation), their deliveries per channel, and the
-- numbered 督办 notices.

ALTER TABLE plans ADD COLUMN rules TEXT NOT NULL DEFAULT '';

CREATE TABLE unit_contacts (
    unit_id INTEGER PRIMARY KEY REFERENCES units (id),
    email TEXT NOT NULL DEFAULT '',
    wecom_url TEXT NOT NULL DEFAULT '',
    dingtalk_url TEXT NOT NULL DEFAULT '',
    dingtalk_secret TEXT NOT NULL DEFAULT '',
    feishu_url TEXT NOT NULL DEFAULT '',
    feishu_secret TEXT NOT NULL DEFAULT ''
);

CREATE TABLE reminder_events (
    id INTEGER PRIMARY KEY,
    obligation_id INTEGER NOT NULL REFERENCES obligations (id),
    event_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    lead_days INTEGER,
    as_of TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (obligation_id, event_key)
);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES reminder_events (id),
    channel TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    claimed_at TEXT,
    sent_at TEXT,
    UNIQUE (event_id, channel)
);

CREATE INDEX deliveries_status ON deliveries (status);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    obligation_id INTEGER NOT NULL REFERENCES obligations (id),
    issued_on TEXT NOT NULL,
    new_due TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    issued_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (year, number)
);

CREATE INDEX notices_obligation ON notices (obligation_id);
