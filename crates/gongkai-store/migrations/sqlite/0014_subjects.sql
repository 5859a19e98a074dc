-- Supervision over any subject, not only obligations: an event names its
-- subject (kind and id) and the unit told, so that a request with a legal
-- clock or an inspection finding shares the outbox, the exactly-once keys
-- and the channels. Events about obligations keep `obligation_id` too.
--
-- SQLite cannot drop a NOT NULL: the table is made anew, and `deliveries`
-- (which refers to it) is set aside and put back around it.

CREATE TABLE reminder_events_new (
    id INTEGER PRIMARY KEY,
    obligation_id INTEGER REFERENCES obligations (id),
    event_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    lead_days INTEGER,
    as_of TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    UNIQUE (obligation_id, event_key)
);

INSERT INTO reminder_events_new
    (id, obligation_id, event_key, kind, lead_days, as_of, message, created_at, subject_kind, subject_id, unit_id)
SELECT e.id, e.obligation_id, e.event_key, e.kind, e.lead_days, e.as_of, e.message, e.created_at,
       'obligation', e.obligation_id, o.unit_id
FROM reminder_events e JOIN obligations o ON o.id = e.obligation_id;

CREATE TEMP TABLE deliveries_aside AS SELECT * FROM deliveries;
DROP TABLE deliveries;
DROP TABLE reminder_events;
ALTER TABLE reminder_events_new RENAME TO reminder_events;

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
INSERT INTO deliveries (id, event_id, channel, status, attempts, error, claimed_at, sent_at)
SELECT id, event_id, channel, status, attempts, error, claimed_at, sent_at FROM deliveries_aside;
DROP TABLE deliveries_aside;
CREATE INDEX deliveries_status ON deliveries (status);

-- The checks of migration 0013 went with the old table.
CREATE TRIGGER deliveries_status_check_insert BEFORE INSERT ON deliveries
WHEN NEW.status NOT IN ('pending', 'sending', 'sent', 'failed')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: deliveries_status_check'); END;

CREATE TRIGGER deliveries_status_check_update BEFORE UPDATE OF status ON deliveries
WHEN NEW.status NOT IN ('pending', 'sending', 'sent', 'failed')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: deliveries_status_check'); END;

CREATE UNIQUE INDEX reminder_events_subject_key ON reminder_events (subject_kind, subject_id, event_key);
CREATE INDEX reminder_events_unit ON reminder_events (unit_id, id);
