//! Synthetic history for demonstrations and load tests: reports and reviews
//! written in large transactions, with one audit entry for the whole batch
//! (the rows are made up; the log says so).

use crate::{BeginWrite, ObligationId, Store, StoreResult, UserId, audit, on_pool};
use chrono::{NaiveDate, Utc};

/// One made-up report and what became of it.
#[derive(Debug, Clone)]
pub struct DemoReport {
    pub obligation_id: ObligationId,
    pub author_id: UserId,
    pub reviewer_id: UserId,
    pub submitted_on: NaiveDate,
    /// accepted, returned or submitted (waiting).
    pub outcome: &'static str,
}

impl Store {
    /// Writes `reports` in batches of `batch`, calling `progress` with how
    /// many are written.
    pub async fn write_demo_history(
        &self,
        reports: &[DemoReport],
        batch: usize,
        actor: &str,
        mut progress: impl FnMut(usize),
    ) -> StoreResult<()> {
        let now = Utc::now();
        for (n, chunk) in reports.chunks(batch.max(1)).enumerate() {
            on_pool!(self, pool => {
                let mut tx = pool.begin_write().await?;
                for r in chunk {
                    let (submission,): (i64,) = sqlx::query_as(
                        "INSERT INTO submissions (obligation_id, author_id, text, published_url, evidence_date, submitted_at, submitted_on)
                         VALUES ($1, $2, '（演示数据）已按要求完成并公开', NULL, NULL, $3, $4) RETURNING id",
                    )
                    .bind(r.obligation_id).bind(r.author_id).bind(now).bind(r.submitted_on)
                    .fetch_one(&mut *tx).await?;
                    if r.outcome != "submitted" {
                        let reason = if r.outcome == "returned" { "（演示数据）材料不全，请补充" } else { "" };
                        sqlx::query("INSERT INTO reviews (submission_id, reviewer_id, decision, reason, reviewed_at) VALUES ($1, $2, $3, $4, $5)")
                            .bind(submission).bind(r.reviewer_id).bind(r.outcome).bind(reason).bind(now)
                            .execute(&mut *tx).await?;
                    }
                    let done_on = (r.outcome == "accepted").then_some(r.submitted_on);
                    sqlx::query("UPDATE obligations SET status = $1, done_on = $2 WHERE id = $3")
                        .bind(r.outcome).bind(done_on).bind(r.obligation_id).execute(&mut *tx).await?;
                }
                if n == 0 {
                    let after = serde_json::json!({ "reports": reports.len() }).to_string();
                    audit!(self, tx, actor, "demo.history", "演示数据", None, Some(after));
                }
                tx.commit().await?;
            });
            progress((n * batch.max(1) + chunk.len()).min(reports.len()));
        }
        Ok(())
    }
}
