-- A reviewer may make a report's text public on the public pages; by
-- default nothing a unit writes is shown outside.

ALTER TABLE submissions ADD COLUMN public BOOLEAN NOT NULL DEFAULT FALSE;
