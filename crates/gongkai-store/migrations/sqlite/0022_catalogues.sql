-- 标准目录: a unit's catalogue per area (a pilot area, or 综合), its items
-- with the standard columns, every act on it (history), and the records of
-- what the unit published under an item (task 2), each with the date its
-- time limit counts from. Every change is conditional on `revision`.

CREATE TABLE catalogues (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    area TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    version INTEGER NOT NULL DEFAULT 1,
    revision INTEGER NOT NULL DEFAULT 1,
    title TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    approval TEXT NOT NULL DEFAULT '',
    updated_by INTEGER REFERENCES users (id),
    updated_at TEXT NOT NULL,
    published_at TEXT,
    UNIQUE (unit_id, area)
);

CREATE TABLE catalogue_items (
    id INTEGER PRIMARY KEY,
    catalogue_id INTEGER NOT NULL REFERENCES catalogues (id),
    position INTEGER NOT NULL,
    seq TEXT,
    category TEXT,
    level1 TEXT,
    level2 TEXT,
    level3 TEXT,
    content TEXT NOT NULL DEFAULT '',
    basis TEXT NOT NULL DEFAULT '',
    timelimit TEXT NOT NULL DEFAULT '',
    timelimit_as_printed TEXT,
    -- The office's correction of how the cell reads (JSON, as `gongkai timelimit` prints); NULL: as parsed.
    rule TEXT,
    subject TEXT NOT NULL DEFAULT '',
    channels TEXT NOT NULL DEFAULT '[]',
    url TEXT,
    audience TEXT,
    mode TEXT,
    levels TEXT NOT NULL DEFAULT '[]',
    -- Removed in a later version: kept for the records published under it.
    retired INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX catalogue_items_catalogue ON catalogue_items (catalogue_id, position);

CREATE TABLE catalogue_events (
    id INTEGER PRIMARY KEY,
    catalogue_id INTEGER NOT NULL REFERENCES catalogues (id),
    act TEXT NOT NULL,
    status TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    actor INTEGER REFERENCES users (id),
    at TEXT NOT NULL
);
CREATE INDEX catalogue_events_catalogue ON catalogue_events (catalogue_id, id);

CREATE TABLE published_records (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES catalogue_items (id),
    title TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    published_on TEXT NOT NULL,
    event_on TEXT,
    entered_by INTEGER REFERENCES users (id),
    entered_at TEXT NOT NULL
);
CREATE INDEX published_records_item ON published_records (item_id, published_on);
