-- A record is kept once: the same title published the same day under the
-- same item is a second click or a sheet uploaded twice, not new information.
CREATE UNIQUE INDEX published_records_once ON published_records (item_id, title, published_on);
