-- Versions of what the read caches are built from. Triggers bump them in the
-- same transaction as every change, whoever makes it (a page, the API, the
-- CLI, another server process), so a cache that remembers the version it was
-- built at knows when it is stale.

CREATE TABLE ledger_versions (
    topic TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
INSERT INTO ledger_versions (topic, version) VALUES ('obligations', 1), ('plans', 1), ('units', 1);

CREATE TRIGGER obligations_insert_version AFTER INSERT ON obligations
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'obligations'; END;
CREATE TRIGGER obligations_update_version AFTER UPDATE ON obligations
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'obligations'; END;
CREATE TRIGGER obligations_delete_version AFTER DELETE ON obligations
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'obligations'; END;
-- Reports and reviews: the public pages show what was published.
CREATE TRIGGER submissions_insert_version AFTER INSERT ON submissions
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'obligations'; END;
CREATE TRIGGER submissions_update_version AFTER UPDATE ON submissions
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'obligations'; END;
CREATE TRIGGER submissions_delete_version AFTER DELETE ON submissions
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'obligations'; END;
CREATE TRIGGER reviews_insert_version AFTER INSERT ON reviews
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'obligations'; END;
CREATE TRIGGER reviews_update_version AFTER UPDATE ON reviews
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'obligations'; END;
CREATE TRIGGER reviews_delete_version AFTER DELETE ON reviews
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'obligations'; END;

CREATE TRIGGER plans_insert_version AFTER INSERT ON plans
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'plans'; END;
CREATE TRIGGER plans_update_version AFTER UPDATE ON plans
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'plans'; END;
CREATE TRIGGER plans_delete_version AFTER DELETE ON plans
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'plans'; END;
CREATE TRIGGER tasks_insert_version AFTER INSERT ON tasks
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'plans'; END;
CREATE TRIGGER tasks_update_version AFTER UPDATE ON tasks
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'plans'; END;
CREATE TRIGGER tasks_delete_version AFTER DELETE ON tasks
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'plans'; END;
CREATE TRIGGER milestones_insert_version AFTER INSERT ON milestones
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'plans'; END;
CREATE TRIGGER milestones_update_version AFTER UPDATE ON milestones
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'plans'; END;
CREATE TRIGGER milestones_delete_version AFTER DELETE ON milestones
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'plans'; END;

CREATE TRIGGER units_insert_version AFTER INSERT ON units
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'units'; END;
CREATE TRIGGER units_update_version AFTER UPDATE ON units
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'units'; END;
CREATE TRIGGER units_delete_version AFTER DELETE ON units
BEGIN UPDATE ledger_versions SET version = version + 1 WHERE topic = 'units'; END;

-- Open work by due date: the overdue and due-soon lists read it in order
-- and stop at their limit instead of stepping over every accepted row.
CREATE INDEX obligations_open_due ON obligations (due_date) WHERE active = TRUE AND status <> 'accepted';
