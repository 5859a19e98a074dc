-- The built-in directory once carried its research notes (where a guessed
-- unit's name came from: "inferred: …" and source addresses) into the
-- 备注 the office sees. The 备注 is the office's own: those notes go; a
-- guessed unit keeps its mark (`inferred`).
UPDATE units SET note = '' WHERE note LIKE 'inferred:%' OR note LIKE 'http://%' OR note LIKE 'https://%';
