-- The day each scheduled job first ran on this database. A reminder pass
-- sends nothing dated before it, so that starting a server on a programme
-- already under way does not send the whole backlog of reminders and 催办.
CREATE TABLE job_first_runs (
    job TEXT PRIMARY KEY,
    first_day DATE NOT NULL
);
