-- Per-plan head sign-off; the (China) date each report was made and the date
-- an obligation was done, so on time or late is computed from dates; the
-- members the office confirmed for "…等相关部门" groups, kept per task text
-- so that re-importing the list keeps them.

ALTER TABLE plans ADD COLUMN head_signoff BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE submissions ADD COLUMN submitted_on DATE;
UPDATE submissions SET submitted_on = (submitted_at AT TIME ZONE 'Asia/Shanghai')::date;

ALTER TABLE obligations ADD COLUMN done_on DATE;
UPDATE obligations SET done_on = (
    SELECT s.submitted_on FROM submissions s WHERE s.obligation_id = obligations.id ORDER BY s.id DESC LIMIT 1
) WHERE status = 'accepted';

CREATE TABLE confirmed_members (
    plan_id BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    task_key TEXT NOT NULL,
    units TEXT NOT NULL,
    PRIMARY KEY (plan_id, task_key)
);

CREATE INDEX obligations_task ON obligations (task_id);
