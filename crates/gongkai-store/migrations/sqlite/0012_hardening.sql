-- Hardening: the audit log signed with the server's key (`key_id` names the
-- key without revealing it; empty for logs written before, which are signed
-- once at the next start), signed checkpoints of its head,
-- failed sign-ins counted in the database (shared by every server), API
-- tokens with a name, an expiry and revocation, and one open extension
-- request per obligation enforced by the database.

ALTER TABLE audit_head ADD COLUMN key_id TEXT;

CREATE TABLE audit_checkpoints (
    seq INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    at TEXT NOT NULL,
    mac TEXT NOT NULL
);

CREATE TABLE login_failures (
    login TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL
);

CREATE INDEX login_failures_last ON login_failures (last_at);

ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;

CREATE INDEX sessions_user ON sessions (user_id);

CREATE UNIQUE INDEX extensions_one_open ON extensions (obligation_id) WHERE status = 'pending';
