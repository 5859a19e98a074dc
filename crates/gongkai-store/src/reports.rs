//! Reports (报送) with their evidence and files, and reviews (审核). An
//! obligation moves pending → submitted → accepted, or → returned and then
//! submitted again; every step is kept and audited.

use crate::{BeginWrite, ObligationId, PlanId, Store, StoreError, StoreResult, SubmissionId, UserId, audit, on_pool};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// Where the bytes are in the content-addressed store.
    pub sha256: String,
}

#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub obligation_id: ObligationId,
    pub author_id: UserId,
    pub text: String,
    pub published_url: Option<String>,
    pub evidence_date: Option<NaiveDate>,
    /// The day of the report in China, where deadlines are (a test may set it).
    pub submitted_on: NaiveDate,
    pub files: Vec<NewAttachment>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: i64,
    pub submission_id: SubmissionId,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReviewRow {
    pub submission_id: SubmissionId,
    pub reviewer: String,
    pub decision: String,
    pub reason: String,
    pub reviewed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SubmissionRow {
    pub id: SubmissionId,
    pub author: String,
    pub text: String,
    pub published_url: Option<String>,
    pub evidence_date: Option<NaiveDate>,
    pub submitted_at: DateTime<Utc>,
    pub submitted_on: Option<NaiveDate>,
    /// A reviewer made the text public.
    pub public: bool,
    #[sqlx(skip)]
    pub attachments: Vec<AttachmentRow>,
    /// The head's sign-off (where asked) and the reviewer's decision, in order.
    #[sqlx(skip)]
    pub reviews: Vec<ReviewRow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Return,
    /// The unit head passes the report on to the reviewer.
    SignOff,
}

impl Decision {
    /// The status the obligation takes, also the word kept in `reviews`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accept => "accepted",
            Decision::Return => "returned",
            Decision::SignOff => "signed",
        }
    }
}

/// What the loser of two simultaneous changes is told.
const SUBMITTED_MEANWHILE: &str = "这项任务刚刚已被报送（可能是同事同时提交），本次未保存：请刷新页面查看";
const DECIDED_MEANWHILE: &str = "这份报送刚刚已被他人处理（通过、退回或签发），本次未保存：请刷新页面查看";

impl Store {
    /// Records a report and moves the obligation to `submitted`. Refused
    /// while an earlier report awaits review or after acceptance.
    pub async fn submit(&self, new: &NewSubmission, actor: &str) -> StoreResult<SubmissionId> {
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let status: Option<(String,)> = sqlx::query_as("SELECT status FROM obligations WHERE id = $1 AND active = TRUE")
                .bind(new.obligation_id).fetch_optional(&mut *tx).await?;
            let Some((status,)) = status else {
                return Err(StoreError::NotFound(format!("任务事项 {}", new.obligation_id)));
            };
            match status.as_str() {
                "pending" | "returned" => {}
                "submitted" | "signed" => return Err(StoreError::Stale("已报送，正在等待审核；审核退回后才能再次报送".into())),
                _ => return Err(StoreError::Stale("这项任务已审核通过，无需再报送".into())),
            }
            // On the status just read: of two reports sent at once, one moves it.
            let moved = sqlx::query("UPDATE obligations SET status = 'submitted' WHERE id = $1 AND status = $2")
                .bind(new.obligation_id).bind(&status).execute(&mut *tx).await?.rows_affected();
            if moved == 0 {
                return Err(StoreError::Stale(SUBMITTED_MEANWHILE.into()));
            }
            let (id,): (SubmissionId,) = sqlx::query_as(
                "INSERT INTO submissions (obligation_id, author_id, text, published_url, evidence_date, submitted_at, submitted_on)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(new.obligation_id).bind(new.author_id).bind(&new.text).bind(&new.published_url)
            .bind(new.evidence_date).bind(Utc::now()).bind(new.submitted_on)
            .fetch_one(&mut *tx).await?;
            for file in &new.files {
                sqlx::query(
                    "INSERT INTO attachments (submission_id, file_name, content_type, size, sha256) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id).bind(&file.file_name).bind(&file.content_type).bind(file.size).bind(&file.sha256)
                .execute(&mut *tx).await?;
            }
            let files: Vec<&str> = new.files.iter().map(|f| f.file_name.as_str()).collect();
            let after = serde_json::json!({
                "submission": id, "text": new.text, "published_url": new.published_url,
                "evidence_date": new.evidence_date, "files": files,
            }).to_string();
            audit!(self, tx, actor, "obligation.submit", &format!("任务事项 {}", new.obligation_id), Some(status), Some(after));
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Decides on the latest report. Where the plan asks for the unit head's
    /// sign-off, the head signs (or returns) a submitted report first and the
    /// reviewer decides on a signed one; otherwise the reviewer decides on a
    /// submitted one. Accepting records the day of the accepted report.
    pub async fn review(
        &self,
        obligation_id: ObligationId,
        reviewer_id: UserId,
        decision: Decision,
        reason: &str,
        actor: &str,
    ) -> StoreResult<()> {
        if decision == Decision::Return && reason.trim().is_empty() {
            return Err(StoreError::Invalid("退回时请写明理由".into()));
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let found: Option<(String, bool)> = sqlx::query_as(
                "SELECT o.status, p.head_signoff FROM obligations o JOIN tasks t ON t.id = o.task_id
                 JOIN plans p ON p.id = t.plan_id WHERE o.id = $1",
            )
            .bind(obligation_id).fetch_optional(&mut *tx).await?;
            let Some((status, signoff)) = found else {
                return Err(StoreError::NotFound(format!("任务事项 {obligation_id}")));
            };
            // Where the plan asks for sign-off, the head signs or returns a
            // submitted report and the reviewer decides on a signed one.
            let waiting: &[&str] = match (signoff, decision) {
                (false, Decision::SignOff) => return Err(StoreError::Invalid("这个方案的报送不需要单位负责人签发".into())),
                (true, Decision::SignOff) => &["submitted"],
                (true, Decision::Accept) if status == "submitted" => return Err(StoreError::Invalid("报送尚未经单位负责人签发".into())),
                (true, Decision::Accept) => &["signed"],
                (true, Decision::Return) => &["submitted", "signed"],
                (false, _) => &["submitted"],
            };
            if !waiting.contains(&status.as_str()) {
                return Err(StoreError::Stale("这项任务当前没有待审核的报送（可能刚被他人处理），请刷新页面查看".into()));
            }
            let (submission_id,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM submissions WHERE obligation_id = $1")
                .bind(obligation_id).fetch_one(&mut *tx).await?;
            // On the status just read: of two decisions made at once, one counts.
            let moved = sqlx::query(
                "UPDATE obligations SET status = $1,
                     done_on = CASE WHEN $1 = 'accepted' THEN (SELECT submitted_on FROM submissions WHERE id = $3) ELSE NULL END
                 WHERE id = $2 AND status = $4",
            )
            .bind(decision.as_str()).bind(obligation_id).bind(submission_id).bind(&status).execute(&mut *tx).await?.rows_affected();
            if moved == 0 {
                return Err(StoreError::Stale(DECIDED_MEANWHILE.into()));
            }
            sqlx::query("INSERT INTO reviews (submission_id, reviewer_id, decision, reason, reviewed_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(submission_id).bind(reviewer_id).bind(decision.as_str()).bind(reason.trim()).bind(Utc::now())
                .execute(&mut *tx).await?;
            let after = serde_json::json!({ "submission": submission_id, "decision": decision.as_str(), "reason": reason.trim() }).to_string();
            let action = if decision == Decision::SignOff { "obligation.signoff" } else { "obligation.review" };
            audit!(self, tx, actor, action, &format!("任务事项 {obligation_id}"), Some(status), Some(after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every report of an obligation, newest first, with files and review.
    pub async fn submissions(&self, obligation_id: ObligationId) -> StoreResult<Vec<SubmissionRow>> {
        let (mut rows, files, reviews): (Vec<SubmissionRow>, Vec<AttachmentRow>, Vec<ReviewRow>) = on_pool!(self, pool => {
            let rows = sqlx::query_as(
                "SELECT s.id, u.display_name AS author, s.text, s.published_url, s.evidence_date, s.submitted_at, s.submitted_on, s.public
                 FROM submissions s JOIN users u ON u.id = s.author_id WHERE s.obligation_id = $1 ORDER BY s.id DESC",
            ).bind(obligation_id).fetch_all(pool).await?;
            let files = sqlx::query_as(
                "SELECT a.id, a.submission_id, a.file_name, a.content_type, a.size, a.sha256 FROM attachments a
                 JOIN submissions s ON s.id = a.submission_id WHERE s.obligation_id = $1 ORDER BY a.id",
            ).bind(obligation_id).fetch_all(pool).await?;
            let reviews = sqlx::query_as(
                "SELECT r.submission_id, u.display_name AS reviewer, r.decision, r.reason, r.reviewed_at FROM reviews r
                 JOIN users u ON u.id = r.reviewer_id JOIN submissions s ON s.id = r.submission_id
                 WHERE s.obligation_id = $1 ORDER BY r.id",
            ).bind(obligation_id).fetch_all(pool).await?;
            (rows, files, reviews)
        });
        for row in &mut rows {
            row.attachments = files.iter().filter(|f| f.submission_id == row.id).cloned().collect();
            row.reviews = reviews.iter().filter(|r| r.submission_id == row.id).cloned().collect();
        }
        Ok(rows)
    }

    /// An attachment and the obligation it belongs to, for a permission check.
    pub async fn attachment(&self, id: i64) -> StoreResult<Option<(AttachmentRow, ObligationId)>> {
        let row: Option<(i64, SubmissionId, String, String, i64, String, ObligationId)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.id, a.submission_id, a.file_name, a.content_type, a.size, a.sha256, s.obligation_id
                 FROM attachments a JOIN submissions s ON s.id = a.submission_id WHERE a.id = $1",
            ).bind(id).fetch_optional(pool).await?
        });
        Ok(row.map(|(id, submission_id, file_name, content_type, size, sha256, obligation_id)| {
            (AttachmentRow { id, submission_id, file_name, content_type, size, sha256 }, obligation_id)
        }))
    }
}

/// What the public pages may show of one accepted report: where it was
/// published, and its text only when a reviewer made it public.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PublishedRow {
    pub unit: String,
    pub task_seq: i32,
    pub milestone: String,
    pub published_url: Option<String>,
    pub text: Option<String>,
    pub submitted_on: Option<NaiveDate>,
}

impl Store {
    /// A reviewer makes an accepted report's text public, or private again.
    pub async fn set_submission_public(
        &self,
        submission_id: SubmissionId,
        public: bool,
        actor: &str,
    ) -> StoreResult<ObligationId> {
        let obligation = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let found: Option<(ObligationId,)> = sqlx::query_as(
                "SELECT s.obligation_id FROM submissions s JOIN reviews r ON r.submission_id = s.id
                 WHERE s.id = $1 AND r.decision = 'accepted'",
            ).bind(submission_id).fetch_optional(&mut *tx).await?;
            let Some((obligation,)) = found else {
                return Err(StoreError::Invalid("只有审核通过的报送可以公开".into()));
            };
            sqlx::query("UPDATE submissions SET public = $1 WHERE id = $2").bind(public).bind(submission_id).execute(&mut *tx).await?;
            audit!(self, tx, actor, "submission.public", &format!("报送 {submission_id}"), None, Some(public.to_string()));
            tx.commit().await?;
            obligation
        });
        Ok(obligation)
    }

    /// Accepted reports of a plan with what may be shown publicly.
    pub async fn published(&self, plan_id: PlanId) -> StoreResult<Vec<PublishedRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.name AS unit, t.seq AS task_seq, m.text AS milestone, s.published_url,
                        CASE WHEN s.public THEN s.text ELSE NULL END AS text, s.submitted_on
                 FROM submissions s JOIN reviews r ON r.submission_id = s.id AND r.decision = 'accepted'
                 JOIN obligations o ON o.id = s.obligation_id JOIN units u ON u.id = o.unit_id
                 JOIN tasks t ON t.id = o.task_id JOIN milestones m ON m.task_id = o.task_id AND m.idx = o.milestone_idx
                 WHERE t.plan_id = $1 AND o.active = TRUE AND (s.published_url IS NOT NULL OR s.public)
                 ORDER BY t.seq, u.id",
            ).bind(plan_id).fetch_all(pool).await?
        }))
    }
}
