-- The ledger: units, plans, tasks, milestones, obligations; the calendar
-- rows an admin adds. Dates are ISO text (YYYY-MM-DD), times RFC 3339 text.

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    aliases TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    parent TEXT,
    inferred BOOLEAN NOT NULL DEFAULT FALSE,
    note TEXT NOT NULL DEFAULT ''
);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    region TEXT NOT NULL,
    plan_year INTEGER NOT NULL,
    start_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (title, plan_year)
);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    task_key TEXT NOT NULL,
    responsible TEXT NOT NULL,
    task_text TEXT NOT NULL,
    deadline_text TEXT NOT NULL,
    items TEXT NOT NULL,
    units TEXT NOT NULL,
    needs_confirmation BOOLEAN NOT NULL DEFAULT FALSE,
    source_at TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (plan_id, task_key)
);

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    rule TEXT NOT NULL,
    action TEXT,
    recipient TEXT,
    channel TEXT,
    actor TEXT,
    aspirational BOOLEAN NOT NULL,
    UNIQUE (task_id, idx)
);

CREATE TABLE obligations (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    milestone_idx INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    kind TEXT NOT NULL,
    slot TEXT NOT NULL,
    due_date TEXT,
    from_date TEXT,
    to_date TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (task_id, milestone_idx, unit_id, slot)
);

CREATE INDEX obligations_unit_due ON obligations (unit_id, due_date);
CREATE INDEX obligations_due ON obligations (due_date);

CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL
);
