-- 依申请公开: the requests a unit (its 政府信息公开工作机构) receives, each
-- with what happened to it and on which day (`foi_events`, from which the
-- legal clock is worked out), the letters sent (`foi_documents`), and the
-- 行政复议 and 行政诉讼 cases about its answers (`foi_cases`). A unit's
-- annual report keeps what the unit writes (`foi_reports`); its request
-- tables are counted from the register. The letters' wording is the
-- office's to edit (`foi_templates`).

CREATE TABLE foi_requests (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    -- The receipt number the applicant queries by: not guessable.
    number TEXT NOT NULL UNIQUE,
    applicant_kind TEXT NOT NULL
        CHECK (applicant_kind IN ('自然人', '商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他')),
    applicant TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL CHECK (channel IN ('当面', '邮寄', '平信', '网络', '传真', '电子邮件')),
    text TEXT NOT NULL,
    -- Worked out from the events at every change, for counting and reminders.
    received_on TEXT,
    due_on TEXT,
    -- The annual report's result row (its label as printed) and the day of the answer.
    outcome TEXT,
    -- Received, with the due date waiting for a year's holidays to be loaded.
    awaiting_calendar BOOLEAN NOT NULL DEFAULT FALSE,
    concluded_on TEXT,
    -- Sent through the public form and not yet confirmed by the unit.
    from_public BOOLEAN NOT NULL DEFAULT FALSE,
    -- The form it came from (each form page has its own): sent twice, entered once.
    submission_key TEXT UNIQUE,
    revision INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX foi_requests_unit ON foi_requests (unit_id, received_on);
CREATE INDEX foi_requests_open ON foi_requests (concluded_on, due_on);

CREATE TABLE foi_events (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES foi_requests (id),
    kind TEXT NOT NULL CHECK (kind IN ('submitted', 'signed', 'confirmed', 'correction_requested',
        'correction_received', 'correction_lapsed', 'third_party_sent', 'third_party_replied', 'extended',
        'answered')),
    date TEXT NOT NULL,
    -- For an answer: the annual report's result row (its label as printed).
    outcome TEXT,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX foi_events_request ON foi_events (request_id);

CREATE TABLE foi_documents (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES foi_requests (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX foi_documents_request ON foi_documents (request_id);

CREATE TABLE foi_cases (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    request_id INTEGER REFERENCES foi_requests (id),
    kind TEXT NOT NULL CHECK (kind IN ('行政复议', '未经复议直接起诉', '复议后起诉')),
    filed_on TEXT NOT NULL,
    result TEXT NOT NULL DEFAULT '尚未审结' CHECK (result IN ('结果维持', '结果纠正', '其他结果', '尚未审结')),
    closed_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX foi_cases_unit ON foi_cases (unit_id, filed_on);

CREATE TABLE foi_reports (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    year INTEGER NOT NULL,
    overview TEXT NOT NULL DEFAULT '',
    -- Table 二 as entered (JSON: each cell by its row and column).
    table2 TEXT NOT NULL DEFAULT '{}',
    problems TEXT NOT NULL DEFAULT '',
    other TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_id, year)
);

CREATE TABLE foi_templates (
    kind TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
