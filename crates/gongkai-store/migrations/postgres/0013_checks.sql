-- Every column that holds one of a fixed set of words (a status, a
-- decision, a role, a unit's kind) refuses any other, as the domain's enums
-- name them (gongkai-domain/src/status.rs, people.rs, units.rs; a test
-- compares the lists).

ALTER TABLE obligations ADD CONSTRAINT obligations_status_check CHECK (status IN ('pending', 'submitted', 'signed', 'returned', 'accepted'));
ALTER TABLE reviews ADD CONSTRAINT reviews_decision_check CHECK (decision IN ('accepted', 'returned', 'signed'));
ALTER TABLE extensions ADD CONSTRAINT extensions_status_check CHECK (status IN ('pending', 'granted', 'refused'));
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'sending', 'sent', 'failed'));
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('office', 'handler', 'head', 'viewer', 'admin'));
ALTER TABLE units ADD CONSTRAINT units_kind_check CHECK (kind IN ('government', 'office', 'department', 'vertical', 'party', 'town', 'street', 'village', 'community'));
