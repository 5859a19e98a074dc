-- Every column that holds one of a fixed set of words (a status, a
-- decision, a role, a unit's kind) refuses any other, as the domain's enums
-- name them (gongkai-domain/src/status.rs, people.rs, units.rs; a test
-- compares the lists).

-- SQLite cannot add a CHECK to an existing table: triggers refuse the same.

CREATE TRIGGER obligations_status_check_insert BEFORE INSERT ON obligations
WHEN NEW.status NOT IN ('pending', 'submitted', 'signed', 'returned', 'accepted')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: obligations_status_check'); END;

CREATE TRIGGER obligations_status_check_update BEFORE UPDATE OF status ON obligations
WHEN NEW.status NOT IN ('pending', 'submitted', 'signed', 'returned', 'accepted')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: obligations_status_check'); END;

CREATE TRIGGER reviews_decision_check_insert BEFORE INSERT ON reviews
WHEN NEW.decision NOT IN ('accepted', 'returned', 'signed')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: reviews_decision_check'); END;

CREATE TRIGGER reviews_decision_check_update BEFORE UPDATE OF decision ON reviews
WHEN NEW.decision NOT IN ('accepted', 'returned', 'signed')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: reviews_decision_check'); END;

CREATE TRIGGER extensions_status_check_insert BEFORE INSERT ON extensions
WHEN NEW.status NOT IN ('pending', 'granted', 'refused')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: extensions_status_check'); END;

CREATE TRIGGER extensions_status_check_update BEFORE UPDATE OF status ON extensions
WHEN NEW.status NOT IN ('pending', 'granted', 'refused')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: extensions_status_check'); END;

CREATE TRIGGER deliveries_status_check_insert BEFORE INSERT ON deliveries
WHEN NEW.status NOT IN ('pending', 'sending', 'sent', 'failed')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: deliveries_status_check'); END;

CREATE TRIGGER deliveries_status_check_update BEFORE UPDATE OF status ON deliveries
WHEN NEW.status NOT IN ('pending', 'sending', 'sent', 'failed')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: deliveries_status_check'); END;

CREATE TRIGGER users_role_check_insert BEFORE INSERT ON users
WHEN NEW.role NOT IN ('office', 'handler', 'head', 'viewer', 'admin')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: users_role_check'); END;

CREATE TRIGGER users_role_check_update BEFORE UPDATE OF role ON users
WHEN NEW.role NOT IN ('office', 'handler', 'head', 'viewer', 'admin')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: users_role_check'); END;

CREATE TRIGGER units_kind_check_insert BEFORE INSERT ON units
WHEN NEW.kind NOT IN ('government', 'office', 'department', 'vertical', 'party', 'town', 'street', 'village', 'community')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: units_kind_check'); END;

CREATE TRIGGER units_kind_check_update BEFORE UPDATE OF kind ON units
WHEN NEW.kind NOT IN ('government', 'office', 'department', 'vertical', 'party', 'town', 'street', 'village', 'community')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: units_kind_check'); END;
