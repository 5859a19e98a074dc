-- Supervision over any subject, not only obligations: an event names its
-- subject (kind and id) and the unit told, so that a request with a legal
-- clock or an inspection finding shares the outbox, the exactly-once keys
-- and the channels. Events about obligations keep `obligation_id` too.

ALTER TABLE reminder_events ALTER COLUMN obligation_id DROP NOT NULL;
ALTER TABLE reminder_events ADD COLUMN subject_kind TEXT NOT NULL DEFAULT 'obligation';
ALTER TABLE reminder_events ADD COLUMN subject_id BIGINT;
ALTER TABLE reminder_events ADD COLUMN unit_id BIGINT REFERENCES units (id);
UPDATE reminder_events SET subject_id = obligation_id,
    unit_id = (SELECT o.unit_id FROM obligations o WHERE o.id = reminder_events.obligation_id);
ALTER TABLE reminder_events ALTER COLUMN subject_id SET NOT NULL;
ALTER TABLE reminder_events ALTER COLUMN unit_id SET NOT NULL;
ALTER TABLE reminder_events ALTER COLUMN subject_kind DROP DEFAULT;

CREATE UNIQUE INDEX reminder_events_subject_key ON reminder_events (subject_kind, subject_id, event_key);
CREATE INDEX reminder_events_unit ON reminder_events (unit_id, id);
