-- The open-work index in the list's whole order, ending in the id: the
-- overdue list's page is then read from it without a sort (0.33 → 0.22 ms
-- for 100 rows, measured). SQLite's indexes end in the rowid already.
DROP INDEX obligations_open_due;
CREATE INDEX obligations_open_due ON obligations (due_date, task_seq, milestone_idx, unit_id, id)
    WHERE active = TRUE AND status <> 'accepted';
