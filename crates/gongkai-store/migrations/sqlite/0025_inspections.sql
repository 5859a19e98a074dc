-- 网上巡查: a run inspects the columns of the published catalogues as of a
-- day. Each column address to read is a row of `inspection_fetches`, which
-- is also the job table: servers claim a site's pending rows (PostgreSQL:
-- FOR UPDATE SKIP LOCKED), so a column is fetched once per run whichever
-- server reads it. What a run concludes are `findings`, one per problem
-- (catalogue item and key), carried from run to run until fixed or dismissed.

CREATE TABLE inspection_runs (
    id INTEGER PRIMARY KEY,
    as_of TEXT NOT NULL,
    -- The unit inspected; NULL: every unit with a published catalogue.
    unit_id INTEGER REFERENCES units (id),
    status TEXT NOT NULL DEFAULT 'fetching' CHECK (status IN ('fetching', 'judging', 'done')),
    started_by TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT
);

CREATE TABLE inspection_fetches (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES inspection_runs (id),
    url TEXT NOT NULL,
    site TEXT NOT NULL,
    -- Read back to this day (the oldest record to look for), NULL: the first page.
    since TEXT,
    -- Addresses of records entered under the column's items, checked for broken links (JSON list).
    links TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'fetching', 'done')),
    claimed_by TEXT,
    claimed_at TEXT,
    http_status INTEGER,
    pages INTEGER NOT NULL DEFAULT 0,
    millis INTEGER NOT NULL DEFAULT 0,
    items INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    -- What the column lists (JSON [{title, date, url}]), whether every page was read, and broken links (JSON).
    listed TEXT NOT NULL DEFAULT '[]',
    complete BOOLEAN NOT NULL DEFAULT FALSE,
    broken TEXT NOT NULL DEFAULT '[]',
    fetched_at TEXT,
    UNIQUE (run_id, url)
);
CREATE INDEX inspection_fetches_pending ON inspection_fetches (run_id, status, site);

CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    item_id INTEGER NOT NULL REFERENCES catalogue_items (id),
    kind TEXT NOT NULL CHECK (kind IN ('missing', 'stale', 'late', 'broken', 'unlisted')),
    key TEXT NOT NULL,
    url TEXT NOT NULL,
    evidence TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'fixed', 'dismissed')),
    first_run INTEGER NOT NULL REFERENCES inspection_runs (id),
    last_run INTEGER NOT NULL REFERENCES inspection_runs (id),
    closed_run INTEGER REFERENCES inspection_runs (id),
    found_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_by INTEGER REFERENCES users (id),
    answered_at TEXT,
    reason TEXT NOT NULL DEFAULT '',
    dismissed_by INTEGER REFERENCES users (id),
    dismissed_at TEXT,
    closed_on TEXT
);
-- One finding per problem while it is open.
CREATE UNIQUE INDEX findings_open ON findings (item_id, key) WHERE status IN ('open', 'answered');
CREATE INDEX findings_unit ON findings (unit_id, status);
CREATE INDEX findings_run ON findings (first_run);
