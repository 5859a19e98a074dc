//! Reading the audit log back, and checking its hash chain.

use crate::{Store, StoreResult, on_pool};
use gongkai_domain::audit::{self, AuditEntry, ChainBreak};

#[derive(sqlx::FromRow)]
struct AuditRecord {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    target: String,
    before: Option<String>,
    after: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<AuditRecord> for AuditEntry {
    fn from(r: AuditRecord) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            target: r.target,
            before: r.before,
            after: r.after,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const COLUMNS: &str = "seq, at, actor, action, target, before, after, prev_hash, hash";

/// Which entries to read; every field narrows, none is required.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Part of the target's text: "任务义务 12", "温泉镇".
    pub target: Option<String>,
    /// On or after this day (UTC, as the entries are timed).
    pub from: Option<chrono::NaiveDate>,
    /// On or before this day.
    pub to: Option<chrono::NaiveDate>,
    pub limit: i64,
}

impl Store {
    /// The newest entries first, optionally only one actor's or one action's.
    pub async fn audit_entries(
        &self,
        actor: Option<&str>,
        action: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>> {
        let filter = AuditFilter {
            actor: actor.map(String::from),
            action: action.map(String::from),
            limit,
            ..Default::default()
        };
        self.audit_search(&filter).await
    }

    /// The newest entries first that match every field of `filter`.
    pub async fn audit_search(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_events
             WHERE ($1 IS NULL OR actor = $1) AND ($2 IS NULL OR action = $2)
               AND ($3 IS NULL OR target LIKE '%' || $3 || '%')
               AND ($4 IS NULL OR at >= $4) AND ($5 IS NULL OR at < $5)
             ORDER BY seq DESC LIMIT $6"
        );
        // Times are RFC 3339 text in UTC, so days compare as text.
        let from = filter.from.map(|d| d.to_string());
        let until = filter.to.and_then(|d| d.succ_opt()).map(|d| d.to_string());
        let rows: Vec<AuditRecord> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&filter.actor).bind(&filter.action).bind(&filter.target).bind(from).bind(until).bind(filter.limit)
                .fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    /// Walks the whole chain: `Ok(count)` when intact, else where it breaks.
    pub async fn verify_audit(&self) -> StoreResult<Result<i64, ChainBreak>> {
        let sql = format!("SELECT {COLUMNS} FROM audit_events ORDER BY seq");
        let (rows, head): (Vec<AuditRecord>, (i64, String)) = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let head = sqlx::query_as("SELECT count, hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *tx).await?;
            tx.commit().await?;
            (rows, head)
        });
        Ok(audit::verify(rows.into_iter().map(AuditEntry::from), (head.0, &head.1)))
    }
}
