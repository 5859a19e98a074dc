-- Calendar subscriptions: a secret address per unit (only its hash is kept).

CREATE TABLE calendar_feeds (
    token_hash TEXT PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    created_at TEXT NOT NULL
);
