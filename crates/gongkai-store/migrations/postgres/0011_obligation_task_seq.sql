-- Obligations carry their task's number, so that a list in due-date order
-- (the overdue list, a province's 台账) is read from an index in order and
-- stops at its page, instead of sorting every open obligation first.
-- Kept equal to tasks.seq by every import; a restore fills it in again.

ALTER TABLE obligations ADD COLUMN task_seq INTEGER;
UPDATE obligations SET task_seq = tasks.seq FROM tasks WHERE tasks.id = obligations.task_id;

DROP INDEX obligations_open_due;
CREATE INDEX obligations_open_due ON obligations (due_date, task_seq, milestone_idx, unit_id)
    WHERE active = TRUE AND status <> 'accepted';
