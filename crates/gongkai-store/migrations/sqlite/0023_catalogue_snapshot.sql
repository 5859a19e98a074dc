-- What the public reads: the items as last published (JSON), kept while a
-- revised version is drafted and reviewed, replaced when it is published.
ALTER TABLE catalogues ADD COLUMN published_items TEXT;
