-- Lists from other governments: a task's number and heading as printed,
-- and who leads it and who supports it (牵头单位 / 配合单位). `lead` says
-- the responsible text names the lead units; `support` is the 配合 text as
-- written; the unit columns hold full names (or names as written), one per line.

ALTER TABLE tasks ADD COLUMN number TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN heading TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN lead BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tasks ADD COLUMN support TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN lead_units TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN support_units TEXT NOT NULL DEFAULT '';
