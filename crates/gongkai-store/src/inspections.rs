//! 网上巡查 in the database: runs, the column fetches that are also the job
//! table several servers share, and the findings carried from run to run.
//! Fetches are claimed a site at a time, up to 20 in one conditional update
//! (PostgreSQL: `FOR UPDATE SKIP LOCKED`), so a column is read once per run
//! and a site by one server at a time; a claim no one has moved on for
//! `STALE_CLAIM` (a server that stopped) is taken over. Every change of
//! a finding is conditional on its state and audited.

use crate::{
    BeginWrite, CatalogueId, FindingId, ItemId, RunId, Store, StoreError, StoreResult, UnitId, UserId, audit, on_pool,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// A claim older than this is taken to belong to a server that stopped.
pub const STALE_CLAIM: chrono::Duration = chrono::Duration::minutes(15);

/// A catalogue item whose column an inspection reads.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Inspectable {
    pub item_id: ItemId,
    pub catalogue_id: CatalogueId,
    pub unit_id: UnitId,
    pub unit: String,
    pub area: String,
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub level3: Option<String>,
    pub content: String,
    pub timelimit: String,
    pub rule: Option<String>,
    pub url: String,
}

impl Inspectable {
    /// The item as people name it: its 事项 levels, or its content.
    pub fn name(&self) -> String {
        item_name(&self.level1, &self.level2, &self.level3, &self.content)
    }
}

fn item_name(l1: &Option<String>, l2: &Option<String>, l3: &Option<String>, content: &str) -> String {
    let levels: Vec<&str> =
        [l1, l2, l3].into_iter().filter_map(|l| l.as_deref()).map(str::trim).filter(|l| !l.is_empty()).collect();
    if levels.is_empty() { content.chars().take(40).collect() } else { levels.join("／") }
}

/// A column address to read in a run.
#[derive(Debug, Clone)]
pub struct ColumnToRead {
    pub url: String,
    pub site: String,
    pub since: Option<NaiveDate>,
    pub links: Vec<String>,
}

/// A fetch as claimed or as done.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FetchRow {
    pub id: i64,
    pub run_id: RunId,
    pub url: String,
    pub site: String,
    pub since: Option<NaiveDate>,
    pub links: String,
    pub status: String,
    pub claimed_by: Option<String>,
    pub http_status: Option<i64>,
    pub pages: i64,
    pub millis: i64,
    pub items: i64,
    pub error: Option<String>,
    pub listed: String,
    pub complete: bool,
    pub broken: String,
    pub fetched_at: Option<DateTime<Utc>>,
}

/// What a fetch found.
#[derive(Debug, Clone)]
pub struct FetchResult {
    pub http_status: Option<u16>,
    pub pages: usize,
    pub millis: u64,
    pub items: usize,
    pub error: Option<String>,
    /// JSON [{title, date, url}].
    pub listed: String,
    pub complete: bool,
    /// JSON [[url, why]].
    pub broken: String,
}

/// A run as lists show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RunRow {
    pub id: RunId,
    pub as_of: NaiveDate,
    pub unit: Option<String>,
    pub status: String,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub columns: i64,
    pub fetched: i64,
    pub failed: i64,
    pub pages: i64,
    pub found: i64,
    pub fixed: i64,
}

/// A problem to record.
#[derive(Debug, Clone)]
pub struct NewFinding {
    pub unit_id: UnitId,
    pub item_id: ItemId,
    pub kind: String,
    pub key: String,
    pub url: String,
    pub evidence: String,
}

/// A finding as lists show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FindingRow {
    pub id: FindingId,
    pub unit_id: UnitId,
    pub unit: String,
    pub item_id: ItemId,
    pub catalogue_id: CatalogueId,
    pub area: String,
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub level3: Option<String>,
    pub content: String,
    pub kind: String,
    pub key: String,
    pub url: String,
    pub evidence: String,
    pub status: String,
    pub first_run: RunId,
    pub last_run: RunId,
    pub closed_run: Option<RunId>,
    pub found_on: NaiveDate,
    pub due_date: NaiveDate,
    pub answer: String,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub reason: String,
    pub dismissed_by: Option<String>,
    pub dismissed_at: Option<DateTime<Utc>>,
    pub closed_on: Option<NaiveDate>,
}

impl FindingRow {
    pub fn item_name(&self) -> String {
        item_name(&self.level1, &self.level2, &self.level3, &self.content)
    }

    /// Still the unit's to fix (an answered one waits for the next run).
    pub fn is_open(&self) -> bool {
        matches!(self.status.as_str(), "open" | "answered")
    }
}

/// Which findings to list.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    pub unit: Option<String>,
    /// Found first in this run.
    pub run: Option<RunId>,
    /// Open or answered only.
    pub open: bool,
    pub limit: Option<i64>,
}

macro_rules! select_finding {
    () => {
        "SELECT f.id, f.unit_id, un.name AS unit, f.item_id, i.catalogue_id, c.area, i.level1, i.level2, i.level3,
         i.content, f.kind, f.key, f.url, f.evidence, f.status, f.first_run, f.last_run, f.closed_run, f.found_on,
         f.due_date, f.answer, ua.display_name AS answered_by, f.answered_at, f.reason,
         ud.display_name AS dismissed_by, f.dismissed_at, f.closed_on
         FROM findings f JOIN units un ON un.id = f.unit_id JOIN catalogue_items i ON i.id = f.item_id
         JOIN catalogues c ON c.id = i.catalogue_id
         LEFT JOIN users ua ON ua.id = f.answered_by LEFT JOIN users ud ON ud.id = f.dismissed_by"
    };
}

macro_rules! select_run {
    () => {
        "SELECT r.id, r.as_of, un.name AS unit, r.status, r.started_by, r.started_at, r.finished_at,
         (SELECT COUNT(*) FROM inspection_fetches f WHERE f.run_id = r.id) AS columns,
         (SELECT COUNT(*) FROM inspection_fetches f WHERE f.run_id = r.id AND f.status = 'done') AS fetched,
         (SELECT COUNT(*) FROM inspection_fetches f WHERE f.run_id = r.id AND f.status = 'done' AND f.error IS NOT NULL) AS failed,
         (SELECT CAST(COALESCE(SUM(f.pages), 0) AS BIGINT) FROM inspection_fetches f WHERE f.run_id = r.id) AS pages,
         (SELECT COUNT(*) FROM findings g WHERE g.first_run = r.id) AS found,
         (SELECT COUNT(*) FROM findings g WHERE g.closed_run = r.id) AS fixed
         FROM inspection_runs r LEFT JOIN units un ON un.id = r.unit_id"
    };
}

macro_rules! claim_site {
    ($lock:literal) => {
        concat!(
            "UPDATE inspection_fetches SET status = 'fetching', claimed_by = $1, claimed_at = $2
             WHERE status = 'pending' AND id IN (
                SELECT c.id FROM inspection_fetches c
                WHERE c.status = 'pending' AND (c.run_id, c.site) = (
                    SELECT f.run_id, f.site FROM inspection_fetches f
                    WHERE f.status = 'pending'
                      AND f.id = (SELECT MIN(h.id) FROM inspection_fetches h
                                  WHERE h.run_id = f.run_id AND h.site = f.site AND h.status = 'pending')
                      AND NOT EXISTS (
                        SELECT 1 FROM inspection_fetches g
                        WHERE g.run_id = f.run_id AND g.site = f.site AND g.status = 'fetching')
                    ORDER BY f.id LIMIT 1",
            $lock,
            ") ORDER BY c.id LIMIT 20)
             RETURNING id, run_id, url, site, since, links, status, claimed_by, http_status, pages, millis, items,
              error, listed, complete, broken, fetched_at"
        )
    };
}

impl Store {
    /// Items of published catalogues with a column address (of one unit, or all).
    pub async fn inspectable(&self, unit: Option<UnitId>) -> StoreResult<Vec<Inspectable>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT i.id AS item_id, c.id AS catalogue_id, c.unit_id, u.name AS unit, c.area, i.level1, i.level2,
                 i.level3, i.content, i.timelimit, i.rule, i.url
                 FROM catalogue_items i JOIN catalogues c ON c.id = i.catalogue_id JOIN units u ON u.id = c.unit_id
                 WHERE c.published_at IS NOT NULL AND i.retired = FALSE AND i.url IS NOT NULL AND i.url <> ''
                   AND ($1 IS NULL OR c.unit_id = $1)
                 ORDER BY u.name, c.area, i.position",
            )
            .bind(unit).fetch_all(pool).await?
        }))
    }

    /// Records entered since `since` under published catalogues' items.
    pub async fn records_since(&self, since: NaiveDate) -> StoreResult<Vec<crate::RecordRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT r.id, r.item_id, r.title, r.url, r.published_on, r.event_on, u.display_name AS entered_by, r.entered_at
                 FROM published_records r LEFT JOIN users u ON u.id = r.entered_by
                 WHERE r.published_on >= $1 ORDER BY r.item_id, r.published_on",
            )
            .bind(since).fetch_all(pool).await?
        }))
    }

    /// Opens a run with the columns to read, in one transaction.
    pub async fn start_run(
        &self,
        as_of: NaiveDate,
        unit: Option<UnitId>,
        columns: &[ColumnToRead],
        actor: &str,
    ) -> StoreResult<RunId> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let (run,): (RunId,) = sqlx::query_as(
                "INSERT INTO inspection_runs (as_of, unit_id, started_by, started_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(as_of).bind(unit).bind(actor).bind(Utc::now()).fetch_one(&mut *tx).await?;
            for column in columns {
                sqlx::query(
                    "INSERT INTO inspection_fetches (run_id, url, site, since, links) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (run_id, url) DO NOTHING",
                )
                .bind(run).bind(&column.url).bind(&column.site).bind(column.since)
                .bind(serde_json::to_string(&column.links).unwrap_or_default())
                .execute(&mut *tx).await?;
            }
            let after = serde_json::json!({ "as_of": as_of, "columns": columns.len() }).to_string();
            audit!(self, tx, actor, "inspection.start", &format!("网上巡查 {}", run.0), None, Some(after));
            tx.commit().await?;
            run
        }))
    }

    /// Claims up to 20 pending fetches of one site no other server is
    /// reading (after freeing claims no one has moved on for `STALE_CLAIM`).
    /// Empty: nothing left to claim.
    pub async fn claim_site(&self, worker: &str) -> StoreResult<Vec<FetchRow>> {
        let now = Utc::now();
        Ok(on_pool!(self, pool => {
            sqlx::query("UPDATE inspection_fetches SET status = 'pending', claimed_by = NULL WHERE status = 'fetching' AND claimed_at < $1")
                .bind(now - STALE_CLAIM).execute(pool).await?;
            let sql = match self.backend() {
                crate::Backend::Sqlite => claim_site!(""),
                crate::Backend::Postgres => claim_site!(" FOR UPDATE SKIP LOCKED"),
            };
            sqlx::query_as(sql).bind(worker).bind(now).fetch_all(pool).await?
        }))
    }

    /// Keeps what a fetch found; only the server that claimed it may. The
    /// claim's other fetches are marked as moving (not stale).
    pub async fn finish_fetch(&self, id: i64, worker: &str, result: &FetchResult) -> StoreResult<bool> {
        Ok(on_pool!(self, pool => {
            sqlx::query("UPDATE inspection_fetches SET claimed_at = $2 WHERE claimed_by = $1 AND status = 'fetching'")
                .bind(worker).bind(Utc::now()).execute(pool).await?;
            sqlx::query(
                "UPDATE inspection_fetches SET status = 'done', http_status = $3, pages = $4, millis = $5, items = $6,
                 error = $7, listed = $8, complete = $9, broken = $10, fetched_at = $11
                 WHERE id = $1 AND claimed_by = $2 AND status = 'fetching'",
            )
            .bind(id).bind(worker).bind(result.http_status.map(i64::from)).bind(result.pages as i64)
            .bind(result.millis as i64).bind(result.items as i64).bind(&result.error).bind(&result.listed)
            .bind(result.complete).bind(&result.broken).bind(Utc::now())
            .execute(pool).await?.rows_affected() == 1
        }))
    }

    /// Runs whose every fetch is done and no one judges yet: the caller
    /// that gets one judges it (one server per run).
    pub async fn take_run_to_judge(&self) -> StoreResult<Option<RunId>> {
        Ok(on_pool!(self, pool => {
            let ready: Vec<(RunId,)> = sqlx::query_as(
                "SELECT r.id FROM inspection_runs r WHERE r.status = 'fetching'
                 AND NOT EXISTS (SELECT 1 FROM inspection_fetches f WHERE f.run_id = r.id AND f.status <> 'done')
                 ORDER BY r.id",
            )
            .fetch_all(pool).await?;
            let mut taken = None;
            for (run,) in ready {
                let changed = sqlx::query("UPDATE inspection_runs SET status = 'judging' WHERE id = $1 AND status = 'fetching'")
                    .bind(run).execute(pool).await?.rows_affected();
                if changed == 1 {
                    taken = Some(run);
                    break;
                }
            }
            taken
        }))
    }

    /// A run's fetches, in the order they were queued.
    pub async fn run_fetches(&self, run: RunId) -> StoreResult<Vec<FetchRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, run_id, url, site, since, links, status, claimed_by, http_status, pages, millis, items,
                 error, listed, complete, broken, fetched_at FROM inspection_fetches WHERE run_id = $1 ORDER BY id",
            )
            .bind(run).fetch_all(pool).await?
        }))
    }

    /// Records a judged run in one transaction: new problems opened (due
    /// `due`), problems seen again kept open with the latest evidence (one
    /// the office dismissed stays dismissed), open
    /// problems of `judged` items no longer seen closed as fixed, the run
    /// done. Gives (new, again, fixed).
    pub async fn save_findings(
        &self,
        run: RunId,
        as_of: NaiveDate,
        due: NaiveDate,
        findings: &[NewFinding],
        judged: &[ItemId],
        actor: &str,
    ) -> StoreResult<(usize, usize, usize)> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let (mut new, mut again, mut fixed) = (0, 0, 0);
            for f in findings {
                let updated = sqlx::query(
                    "UPDATE findings SET last_run = $3, evidence = $4, url = $5
                     WHERE item_id = $1 AND key = $2 AND status IN ('open', 'answered')",
                )
                .bind(f.item_id).bind(&f.key).bind(run).bind(&f.evidence).bind(&f.url)
                .execute(&mut *tx).await?.rows_affected();
                if updated > 0 {
                    again += 1;
                    continue;
                }
                // The office set this problem aside: it is not raised again.
                let dismissed: Option<(FindingId,)> = sqlx::query_as(
                    "SELECT id FROM findings WHERE item_id = $1 AND key = $2 AND status = 'dismissed' LIMIT 1",
                )
                .bind(f.item_id).bind(&f.key).fetch_optional(&mut *tx).await?;
                if dismissed.is_some() {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO findings (unit_id, item_id, kind, key, url, evidence, first_run, last_run, found_on, due_date)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9)",
                )
                .bind(f.unit_id).bind(f.item_id).bind(&f.kind).bind(&f.key).bind(&f.url).bind(&f.evidence)
                .bind(run).bind(as_of).bind(due)
                .execute(&mut *tx).await?;
                new += 1;
            }
            for item in judged {
                fixed += sqlx::query(
                    "UPDATE findings SET status = 'fixed', closed_run = $2, closed_on = $3
                     WHERE item_id = $1 AND status IN ('open', 'answered') AND last_run <> $2",
                )
                .bind(item).bind(run).bind(as_of).execute(&mut *tx).await?.rows_affected() as usize;
            }
            sqlx::query("UPDATE inspection_runs SET status = 'done', finished_at = $2 WHERE id = $1 AND status = 'judging'")
                .bind(run).bind(Utc::now()).execute(&mut *tx).await?;
            let after = serde_json::json!({ "new": new, "again": again, "fixed": fixed }).to_string();
            audit!(self, tx, actor, "inspection.finish", &format!("网上巡查 {}", run.0), None, Some(after));
            tx.commit().await?;
            (new, again, fixed)
        }))
    }

    pub async fn runs(&self, limit: i64) -> StoreResult<Vec<RunRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(concat!(select_run!(), " ORDER BY r.id DESC LIMIT $1")).bind(limit).fetch_all(pool).await?
        }))
    }

    /// The last finished run before `run`: what its 信息更新情况 compares with.
    pub async fn previous_run(&self, run: RunId) -> StoreResult<Option<RunRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(concat!(select_run!(), " WHERE r.id < $1 AND r.status = 'done' ORDER BY r.id DESC LIMIT 1"))
                .bind(run).fetch_optional(pool).await?
        }))
    }

    pub async fn inspection_run(&self, run: RunId) -> StoreResult<RunRow> {
        let found: Option<RunRow> = on_pool!(self, pool => {
            sqlx::query_as(concat!(select_run!(), " WHERE r.id = $1")).bind(run).fetch_optional(pool).await?
        });
        found.ok_or_else(|| StoreError::NotFound(format!("巡查记录 {}", run.0)))
    }

    pub async fn findings(&self, filter: &FindingFilter) -> StoreResult<Vec<FindingRow>> {
        let sql = concat!(
            select_finding!(),
            " WHERE ($1 IS NULL OR un.name = $1) AND ($2 IS NULL OR f.first_run = $2)
              AND ($3 = FALSE OR f.status IN ('open', 'answered'))
              ORDER BY un.name, f.id LIMIT $4"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(&filter.unit).bind(filter.run).bind(filter.open).bind(filter.limit.unwrap_or(10_000))
                .fetch_all(pool).await?
        }))
    }

    /// Findings still the unit's to fix (status open): of one unit, or
    /// every unit's past `overdue_before` (the office's menu count).
    pub async fn open_finding_count(&self, unit: Option<&str>, overdue_before: Option<NaiveDate>) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => {
            let (count,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM findings f JOIN units u ON u.id = f.unit_id
                 WHERE f.status = 'open' AND ($1 IS NULL OR u.name = $1) AND ($2 IS NULL OR f.due_date < $2)",
            )
            .bind(unit).bind(overdue_before).fetch_one(pool).await?;
            count
        }))
    }

    /// Findings a run closed as fixed.
    pub async fn findings_fixed_in(&self, run: RunId) -> StoreResult<Vec<FindingRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(concat!(select_finding!(), " WHERE f.closed_run = $1 ORDER BY un.name, f.id"))
                .bind(run).fetch_all(pool).await?
        }))
    }

    pub async fn finding(&self, id: FindingId) -> StoreResult<FindingRow> {
        let found: Option<FindingRow> = on_pool!(self, pool => {
            sqlx::query_as(concat!(select_finding!(), " WHERE f.id = $1")).bind(id).fetch_optional(pool).await?
        });
        found.ok_or_else(|| StoreError::NotFound(format!("巡查发现 {}", id.0)))
    }

    /// 督办: the office gives an open finding a new deadline; conditional on
    /// the deadline the office saw, so a second click changes nothing.
    pub async fn escalate_finding(
        &self,
        id: FindingId,
        seen_due: NaiveDate,
        new_due: NaiveDate,
        note: &str,
        actor: &str,
    ) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query("UPDATE findings SET due_date = $3 WHERE id = $1 AND due_date = $2 AND status = 'open'")
                .bind(id).bind(seen_due).bind(new_due).execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Err(StoreError::Stale("该问题的整改期限已改过，或已报整改、已办结，请刷新页面".into()));
            }
            let before = serde_json::json!({ "due_date": seen_due }).to_string();
            let after = serde_json::json!({ "due_date": new_due, "text": note }).to_string();
            audit!(self, tx, actor, "finding.escalate", &format!("巡查发现 {}", id.0), Some(before), Some(after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// The unit says what it fixed; allowed while the finding is open.
    pub async fn answer_finding(
        &self,
        id: FindingId,
        answer: &str,
        author: Option<UserId>,
        actor: &str,
    ) -> StoreResult<()> {
        self.close_or_answer(id, "answered", answer, author, actor).await
    }

    /// The office sets a finding aside, with its reason.
    pub async fn dismiss_finding(
        &self,
        id: FindingId,
        reason: &str,
        author: Option<UserId>,
        actor: &str,
    ) -> StoreResult<()> {
        self.close_or_answer(id, "dismissed", reason, author, actor).await
    }

    async fn close_or_answer(
        &self,
        id: FindingId,
        to: &str,
        text: &str,
        author: Option<UserId>,
        actor: &str,
    ) -> StoreResult<()> {
        let (sql, action) = if to == "answered" {
            (
                "UPDATE findings SET status = 'answered', answer = $2, answered_by = $3, answered_at = $4
                 WHERE id = $1 AND status IN ('open', 'answered')",
                "finding.answer",
            )
        } else {
            (
                "UPDATE findings SET status = 'dismissed', reason = $2, dismissed_by = $3, dismissed_at = $4
                 WHERE id = $1 AND status IN ('open', 'answered')",
                "finding.dismiss",
            )
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(sql).bind(id).bind(text).bind(author).bind(Utc::now())
                .execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Err(StoreError::Stale("该问题已确认整改或已不予整改，请刷新页面".into()));
            }
            let after = serde_json::json!({ "text": text }).to_string();
            audit!(self, tx, actor, action, &format!("巡查发现 {}", id.0), None, Some(after));
            tx.commit().await?;
        });
        Ok(())
    }
}
