-- Versions of what the read caches are built from. Triggers bump them in the
-- same transaction as every change, whoever makes it (a page, the API, the
-- CLI, another server process), so a cache that remembers the version it was
-- built at knows when it is stale.

CREATE TABLE ledger_versions (
    topic TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO ledger_versions (topic, version) VALUES ('obligations', 1), ('plans', 1), ('units', 1);

-- Once per topic and transaction: an import of twenty thousand rows is one
-- bump, not twenty thousand versions of one row. The new version is seen
-- when the transaction commits, together with its changes.
CREATE FUNCTION bump_ledger_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    marker TEXT := 'gongkai.bumped_' || TG_ARGV[0];
BEGIN
    IF current_setting(marker, TRUE) IS DISTINCT FROM txid_current()::TEXT THEN
        UPDATE ledger_versions SET version = version + 1 WHERE topic = TG_ARGV[0];
        PERFORM set_config(marker, txid_current()::TEXT, TRUE);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER obligations_version AFTER INSERT OR UPDATE OR DELETE ON obligations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_ledger_version('obligations');
-- Reports and reviews: the public pages show what was published.
CREATE TRIGGER submissions_version AFTER INSERT OR UPDATE OR DELETE ON submissions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_ledger_version('obligations');
CREATE TRIGGER reviews_version AFTER INSERT OR UPDATE OR DELETE ON reviews
    FOR EACH STATEMENT EXECUTE FUNCTION bump_ledger_version('obligations');
CREATE TRIGGER plans_version AFTER INSERT OR UPDATE OR DELETE ON plans
    FOR EACH STATEMENT EXECUTE FUNCTION bump_ledger_version('plans');
CREATE TRIGGER tasks_version AFTER INSERT OR UPDATE OR DELETE ON tasks
    FOR EACH STATEMENT EXECUTE FUNCTION bump_ledger_version('plans');
CREATE TRIGGER milestones_version AFTER INSERT OR UPDATE OR DELETE ON milestones
    FOR EACH STATEMENT EXECUTE FUNCTION bump_ledger_version('plans');
CREATE TRIGGER units_version AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION bump_ledger_version('units');

-- Open work by due date: the overdue and due-soon lists read it in order
-- and stop at their limit instead of stepping over every accepted row.
CREATE INDEX obligations_open_due ON obligations (due_date) WHERE active = TRUE AND status <> 'accepted';
