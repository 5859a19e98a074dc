//! Reminders, 催办 and 督办: the events told about a subject — an obligation,
//! a request, a finding — (each once per subject and key, whatever runs the
//! scheduler and how often), their deliveries per channel (claimed before
//! sending, so two schedulers never send one twice), each unit's channels,
//! the numbered 督办 notices, and one lock per scheduled job.

use crate::read::{self, Arg};
use crate::{BeginWrite, ObligationId, PlanId, Pool, Store, StoreError, StoreResult, audit, on_pool};
use chrono::{Datelike, NaiveDate, Utc};
use gongkai_domain::supervision::{Event, EventKind, Rules, notice_number};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Where a unit is told: e-mail and the group robots Chinese offices use.
/// The web inbox needs no address and is always on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(default)]
pub struct Contact {
    pub email: String,
    pub wecom_url: String,
    pub dingtalk_url: String,
    pub dingtalk_secret: String,
    pub feishu_url: String,
    pub feishu_secret: String,
}

impl Contact {
    /// The channels this contact reaches, the web inbox first.
    pub fn channels(&self) -> Vec<&'static str> {
        let mut out = vec!["web"];
        for (channel, address) in [
            ("email", &self.email),
            ("wecom", &self.wecom_url),
            ("dingtalk", &self.dingtalk_url),
            ("feishu", &self.feishu_url),
        ] {
            if !address.is_empty() {
                out.push(channel);
            }
        }
        out
    }
}

/// What an event is about: a kind ("obligation", "request", "finding")
/// and the id of the row of that kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Subject {
    pub kind: String,
    pub id: i64,
}

impl Subject {
    pub const OBLIGATION: &'static str = "obligation";

    pub fn obligation(id: ObligationId) -> Subject {
        Subject { kind: Subject::OBLIGATION.into(), id: id.0 }
    }

    /// The obligation's id, for an event about one.
    pub fn obligation_id(&self) -> Option<ObligationId> {
        (self.kind == Subject::OBLIGATION).then_some(ObligationId(self.id))
    }
}

/// An event the scheduler found due, with the words the unit will read.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub subject: Subject,
    /// The unit told (its full name).
    pub unit: String,
    pub event: Event,
    pub message: String,
    /// For 督办: the new deadline the notice gives.
    pub new_due: Option<NaiveDate>,
}

/// A delivery this process has claimed and must now send.
#[derive(Debug, Clone, Serialize)]
pub struct Outgoing {
    pub delivery_id: i64,
    pub channel: String,
    pub subject: Subject,
    pub unit: String,
    pub kind: String,
    pub message: String,
    #[serde(skip)]
    pub contact: Contact,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub number: String,
    pub obligation_id: ObligationId,
    pub unit: String,
    pub task_seq: i32,
    pub task: String,
    pub milestone: String,
    pub due: Option<NaiveDate>,
    pub issued_on: NaiveDate,
    pub new_due: NaiveDate,
    pub note: String,
    pub issued_by: String,
    /// The deadline the notice first gave, when a granted extension moved it.
    pub first_new_due: Option<NaiveDate>,
}

/// A 督办通知 the rule drafted for the office: not numbered, not sent.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DraftRow {
    pub id: i64,
    pub obligation_id: ObligationId,
    pub unit: String,
    pub task_seq: i32,
    pub task: String,
    pub milestone: String,
    /// The due date the unit missed.
    pub due: NaiveDate,
    pub drafted_on: NaiveDate,
    /// The new deadline the draft proposes (the office may change it).
    pub new_due: NaiveDate,
}

/// What a unit was told, for its inbox.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct InboxRow {
    pub subject_kind: String,
    pub subject_id: i64,
    /// For an event about an obligation.
    pub obligation_id: Option<ObligationId>,
    pub kind: String,
    pub message: String,
    pub as_of: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct NoticeRecord {
    id: i64,
    year: i32,
    number: i64,
    obligation_id: ObligationId,
    unit: String,
    task_seq: i32,
    task: String,
    milestone: String,
    due: Option<NaiveDate>,
    issued_on: NaiveDate,
    new_due: NaiveDate,
    note: String,
    issued_by: String,
    first_new_due: Option<NaiveDate>,
}

impl NoticeRecord {
    /// A row of `NOTICE_COLUMNS`, read through rusqlite.
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<NoticeRecord> {
        Ok(NoticeRecord {
            id: row.get(0)?,
            year: row.get(1)?,
            number: row.get(2)?,
            obligation_id: row.get(3)?,
            unit: row.get(4)?,
            task_seq: row.get(5)?,
            task: row.get(6)?,
            milestone: row.get(7)?,
            due: read::date(row, 8)?,
            issued_on: read::day(row, 9)?,
            new_due: read::day(row, 10)?,
            note: row.get(11)?,
            issued_by: row.get(12)?,
            first_new_due: read::date(row, 13)?,
        })
    }
}

impl From<NoticeRecord> for NoticeRow {
    fn from(r: NoticeRecord) -> NoticeRow {
        NoticeRow {
            id: r.id,
            number: notice_number(r.year, r.number),
            obligation_id: r.obligation_id,
            unit: r.unit,
            task_seq: r.task_seq,
            task: r.task,
            milestone: r.milestone,
            due: r.due,
            issued_on: r.issued_on,
            new_due: r.new_due,
            note: r.note,
            issued_by: r.issued_by,
            first_new_due: r.first_new_due,
        }
    }
}

/// Held while one process runs a scheduled job: on PostgreSQL a
/// session-level advisory lock on a connection of its own, released when
/// this is dropped (the connection closes, even if the process dies).
pub struct SchedulerLock {
    _connection: Option<(sqlx::PgConnection, i64)>,
}

impl SchedulerLock {
    /// Ends the job's hold now, unlocked before its connection closes, so
    /// that a pass right after this one finds the job free (a dropped lock
    /// is freed only when the server notices the connection gone).
    pub async fn release(mut self) {
        if let Some((mut connection, key)) = self._connection.take() {
            use sqlx::Connection;
            let _ = sqlx::query("SELECT pg_advisory_unlock($1)").bind(key).execute(&mut connection).await;
            let _ = connection.close().await;
        }
    }
}

/// A job's advisory lock key: "gongkai" in ASCII for the reminders (the key
/// they always had), another for each other job name.
fn job_lock_key(job: &str) -> i64 {
    const REMINDERS: i64 = 0x0067_6f6e_676b_6169;
    match job {
        "reminders" => REMINDERS,
        // FNV-1a: the same key for the same name in every process.
        other => other.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
            as i64,
    }
}

/// A claimed delivery is sent within this time or claimed again.
const CLAIM_MINUTES: i64 = 10;
/// Deliveries that failed this often are given up (and stay visible).
const MAX_ATTEMPTS: i32 = 5;

const NOTICE_COLUMNS: &str =
    "n.id, n.year, n.number, n.obligation_id, u.name AS unit, t.seq AS task_seq, t.task_text AS task,
     m.text AS milestone, o.due_date AS due, n.issued_on, n.new_due, n.note,
     COALESCE((SELECT display_name FROM users WHERE login = n.issued_by), n.issued_by) AS issued_by, n.first_new_due
     FROM notices n JOIN obligations o ON o.id = n.obligation_id JOIN units u ON u.id = o.unit_id
     JOIN tasks t ON t.id = o.task_id JOIN milestones m ON m.task_id = o.task_id AND m.idx = o.milestone_idx";

/// Inserts the next notice of the issue year inside `$tx`; gives (id, number).
/// The audit log's lock is taken first, so two notices issued at once are
/// numbered one after the other.
macro_rules! insert_notice {
    ($store:expr, $tx:expr, $obligation:expr, $issued_on:expr, $new_due:expr, $note:expr, $actor:expr) => {{
        use chrono::Datelike as _;
        sqlx::query("UPDATE audit_head SET count = count WHERE id = 1").execute(&mut *$tx).await?;
        let year = $issued_on.year();
        let (number,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(number), 0) + 1 FROM notices WHERE year = $1")
            .bind(year)
            .fetch_one(&mut *$tx)
            .await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO notices (year, number, obligation_id, issued_on, new_due, note, issued_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(year)
        .bind(number)
        .bind($obligation)
        .bind($issued_on)
        .bind($new_due)
        .bind($note)
        .bind($actor)
        .bind(Utc::now())
        .fetch_one(&mut *$tx)
        .await?;
        let after = serde_json::json!({ "number": notice_number(year, number), "new_due": $new_due, "note": $note }).to_string();
        audit!($store, $tx, $actor, "notice.issue", &format!("任务事项 {}", $obligation), None, Some(after));
        (id, number)
    }};
}

impl Store {
    /// On PostgreSQL, `None` while another process runs the job `job`
    /// ("reminders", "inspections", "clocks"): one lock per job name, so
    /// different jobs run side by side. On SQLite one process serves a
    /// file; the claims keep sending single.
    pub async fn try_job_lock(&self, job: &str) -> StoreResult<Option<SchedulerLock>> {
        match &self.pool {
            Pool::Sqlite(_) => Ok(Some(SchedulerLock { _connection: None })),
            Pool::Postgres(pool) => {
                let mut connection = pool.acquire().await?.detach();
                let key = job_lock_key(job);
                let (locked,): (bool,) =
                    sqlx::query_as("SELECT pg_try_advisory_lock($1)").bind(key).fetch_one(&mut connection).await?;
                Ok(locked.then_some(SchedulerLock { _connection: Some((connection, key)) }))
            }
        }
    }

    pub async fn contact(&self, unit: &str) -> StoreResult<Contact> {
        let found: Option<Contact> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.email, c.wecom_url, c.dingtalk_url, c.dingtalk_secret, c.feishu_url, c.feishu_secret
                 FROM unit_contacts c JOIN units u ON u.id = c.unit_id WHERE u.name = $1",
            ).bind(unit).fetch_optional(pool).await?
        });
        Ok(found.unwrap_or_default())
    }

    /// Sets where a unit is told. The audit log records which channels are
    /// set, never the robots' addresses or secrets.
    pub async fn set_contact(&self, unit: &str, contact: &Contact, actor: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let (unit_id,): (i64,) = sqlx::query_as("SELECT id FROM units WHERE name = $1")
                .bind(unit).fetch_optional(&mut *tx).await?
                .ok_or_else(|| StoreError::NotFound(format!("单位“{unit}”")))?;
            sqlx::query(
                "INSERT INTO unit_contacts (unit_id, email, wecom_url, dingtalk_url, dingtalk_secret, feishu_url, feishu_secret)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (unit_id) DO UPDATE SET email = excluded.email, wecom_url = excluded.wecom_url,
                     dingtalk_url = excluded.dingtalk_url, dingtalk_secret = excluded.dingtalk_secret,
                     feishu_url = excluded.feishu_url, feishu_secret = excluded.feishu_secret",
            )
            .bind(unit_id).bind(&contact.email).bind(&contact.wecom_url).bind(&contact.dingtalk_url)
            .bind(&contact.dingtalk_secret).bind(&contact.feishu_url).bind(&contact.feishu_secret)
            .execute(&mut *tx).await?;
            let after = serde_json::json!({ "email": contact.email, "channels": contact.channels() }).to_string();
            audit!(self, tx, actor, "unit.contact", &format!("单位“{unit}”"), None, Some(after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Each plan's reminder rules (the defaults where none were set).
    pub async fn plan_rules(&self) -> StoreResult<HashMap<PlanId, Rules>> {
        let rows: Vec<(PlanId, String)> =
            on_pool!(self, pool => sqlx::query_as("SELECT id, rules FROM plans").fetch_all(pool).await?);
        rows.into_iter()
            .map(|(id, text)| {
                let rules = if text.is_empty() {
                    Rules::default()
                } else {
                    serde_json::from_str(&text)
                        .map_err(|e| StoreError::Corrupt(format!("方案 {id} 的提醒规则：{e}")))?
                };
                Ok((id, rules))
            })
            .collect()
    }

    pub async fn set_plan_rules(&self, plan_id: PlanId, rules: &Rules, actor: &str) -> StoreResult<()> {
        let text = serde_json::to_string(rules).map_err(|e| StoreError::Invalid(e.to_string()))?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before: Option<(String,)> = sqlx::query_as("SELECT rules FROM plans WHERE id = $1").bind(plan_id).fetch_optional(&mut *tx).await?;
            let Some((before,)) = before else { return Err(StoreError::NotFound(format!("方案 {plan_id}"))) };
            sqlx::query("UPDATE plans SET rules = $1 WHERE id = $2").bind(&text).bind(plan_id).execute(&mut *tx).await?;
            audit!(self, tx, actor, "plan.rules", &format!("方案 {plan_id}"), Some(before), Some(text.clone()));
            tx.commit().await?;
        });
        Ok(())
    }

    /// The day `job` first ran on this database, recorded now when it never
    /// ran. A pass as of an earlier day (the past run again) counts from
    /// that day instead.
    pub async fn first_run(&self, job: &str, as_of: NaiveDate) -> StoreResult<NaiveDate> {
        let (first,): (NaiveDate,) = on_pool!(self, pool => {
            sqlx::query("INSERT INTO job_first_runs (job, first_day) VALUES ($1, $2) ON CONFLICT (job) DO NOTHING")
                .bind(job).bind(as_of).execute(pool).await?;
            sqlx::query_as("SELECT first_day FROM job_first_runs WHERE job = $1").bind(job).fetch_one(pool).await?
        });
        Ok(first.min(as_of))
    }

    /// Records the events not yet recorded (a subject's key once ever), with
    /// a delivery per channel of its unit, and for a 督办 about an obligation
    /// the numbered notice, all in one transaction. Gives how many were new.
    pub async fn record_events(&self, as_of: NaiveDate, events: &[NewEvent], actor: &str) -> StoreResult<usize> {
        let mut contacts: HashMap<&str, Contact> = HashMap::new();
        for event in events {
            if !contacts.contains_key(event.unit.as_str()) {
                contacts.insert(&event.unit, self.contact(&event.unit).await?);
            }
        }
        let mut new_keys: Vec<String> = Vec::new();
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for new in events {
                // 督办 of an obligation is the office's act: the rule drafts it.
                if let (EventKind::Escalation, Some(new_due), Some(obligation)) = (new.event.kind, new.new_due, new.subject.obligation_id()) {
                    let drafted: Option<(i64,)> = sqlx::query_as(
                        "INSERT INTO notice_drafts (obligation_id, due_date, drafted_on, new_due, created_at)
                         SELECT o.id, o.due_date, $1, $2, $3 FROM obligations o WHERE o.id = $4 AND o.due_date IS NOT NULL
                         ON CONFLICT (obligation_id, due_date) DO NOTHING RETURNING id",
                    )
                    .bind(as_of).bind(new_due).bind(Utc::now()).bind(obligation)
                    .fetch_optional(&mut *tx).await?;
                    if drafted.is_some() {
                        new_keys.push(format!("{} {}：督办草稿", new.subject.kind, new.subject.id));
                    }
                    continue;
                }
                let inserted: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO reminder_events (subject_kind, subject_id, unit_id, obligation_id, event_key, kind, lead_days, as_of, message, created_at)
                     SELECT $1, $2, u.id, $3, $4, $5, $6, $7, $8, $9 FROM units u WHERE u.name = $10
                     ON CONFLICT (subject_kind, subject_id, event_key) DO NOTHING RETURNING id",
                )
                .bind(&new.subject.kind).bind(new.subject.id).bind(new.subject.obligation_id())
                .bind(&new.event.key).bind(new.event.kind.label()).bind(new.event.lead)
                .bind(as_of).bind(&new.message).bind(Utc::now()).bind(&new.unit)
                .fetch_optional(&mut *tx).await?;
                let Some((event_id,)) = inserted else { continue };
                for channel in contacts.get(new.unit.as_str()).map(Contact::channels).unwrap_or_else(|| vec!["web"]) {
                    sqlx::query("INSERT INTO deliveries (event_id, channel) VALUES ($1, $2)")
                        .bind(event_id).bind(channel).execute(&mut *tx).await?;
                }
                new_keys.push(format!("{} {}：{}", new.subject.kind, new.subject.id, new.event.key));
            }
            if !new_keys.is_empty() {
                let after = serde_json::json!({ "as_of": as_of, "events": new_keys }).to_string();
                audit!(self, tx, actor, "remind.run", &format!("提醒（{as_of}）"), None, Some(after));
            }
            tx.commit().await?;
        });
        Ok(new_keys.len())
    }

    /// Claims up to `limit` deliveries to send: new ones, failed ones not yet
    /// given up, and claims left over by a process that stopped. A delivery
    /// is claimed by one process only.
    pub async fn claim_deliveries(&self, limit: i64) -> StoreResult<Vec<Outgoing>> {
        let stale = Utc::now() - chrono::Duration::minutes(CLAIM_MINUTES);
        // A failed delivery waits a minute before it is tried again.
        let retry = Utc::now() - chrono::Duration::minutes(1);
        let candidates: Vec<(i64, String, String, i64, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT d.id, d.channel, e.subject_kind, e.subject_id, u.name, e.kind, e.message
                 FROM deliveries d JOIN reminder_events e ON e.id = d.event_id JOIN units u ON u.id = e.unit_id
                 WHERE d.status = 'pending' OR (d.status = 'failed' AND d.attempts < $1 AND d.claimed_at < $4)
                    OR (d.status = 'sending' AND d.claimed_at < $2)
                 ORDER BY d.id LIMIT $3",
            ).bind(MAX_ATTEMPTS).bind(stale).bind(limit).bind(retry).fetch_all(pool).await?
        });
        let mut out = Vec::new();
        let mut contacts: HashMap<String, Contact> = HashMap::new();
        for (delivery_id, channel, subject_kind, subject_id, unit, kind, message) in candidates {
            let claimed = on_pool!(self, pool => {
                sqlx::query(
                    "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claimed_at = $1
                     WHERE id = $2 AND (status = 'pending' OR (status = 'failed' AND attempts < $3 AND claimed_at < $5)
                                        OR (status = 'sending' AND claimed_at < $4))",
                ).bind(Utc::now()).bind(delivery_id).bind(MAX_ATTEMPTS).bind(stale).bind(retry).execute(pool).await?.rows_affected()
            });
            if claimed == 1 {
                if !contacts.contains_key(&unit) {
                    contacts.insert(unit.clone(), self.contact(&unit).await?);
                }
                let contact = contacts[&unit].clone();
                let subject = Subject { kind: subject_kind, id: subject_id };
                out.push(Outgoing { delivery_id, channel, subject, unit, kind, message, contact });
            }
        }
        Ok(out)
    }

    /// Records how a claimed delivery went.
    pub async fn finish_delivery(&self, delivery_id: i64, outcome: Result<(), String>) -> StoreResult<()> {
        let (status, error) = match outcome {
            Ok(()) => ("sent", String::new()),
            Err(error) => ("failed", error.chars().take(500).collect()),
        };
        let sent_at = (status == "sent").then(Utc::now);
        on_pool!(self, pool => {
            sqlx::query("UPDATE deliveries SET status = $1, error = $2, sent_at = $3 WHERE id = $4")
                .bind(status).bind(error).bind(sent_at).bind(delivery_id).execute(pool).await?;
        });
        Ok(())
    }

    /// The office issues a 督办通知 — its own, or a draft of the rule's
    /// (`draft`); the notice is numbered and its unit told like any event,
    /// and the obligation's open drafts are settled by it.
    #[allow(clippy::too_many_arguments)]
    pub async fn issue_notice(
        &self,
        obligation_id: ObligationId,
        draft: Option<i64>,
        issued_on: NaiveDate,
        new_due: NaiveDate,
        note: &str,
        message: &str,
        actor: &str,
    ) -> StoreResult<NoticeRow> {
        let unit: Option<(String,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT u.name FROM obligations o JOIN units u ON u.id = o.unit_id WHERE o.id = $1 AND o.active = TRUE")
                .bind(obligation_id).fetch_optional(pool).await?
        });
        let Some((unit,)) = unit else { return Err(StoreError::NotFound(format!("任务事项 {obligation_id}"))) };
        let channels = self.contact(&unit).await?.channels();
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // Takes the obligation's row first: of two identical notices issued at
            // once (a double click), the second sees the first and is refused.
            let open = sqlx::query("UPDATE obligations SET status = status WHERE id = $1 AND active = TRUE AND status IN ('pending', 'returned')")
                .bind(obligation_id).execute(&mut *tx).await?.rows_affected();
            if open == 0 {
                return Err(StoreError::Stale("这项任务已报送或已通过，无需督办".into()));
            }
            if let Some(draft) = draft {
                let taken = sqlx::query("UPDATE notice_drafts SET status = 'issued', decided_by = $1 WHERE id = $2 AND obligation_id = $3 AND status = 'draft'")
                    .bind(actor).bind(draft).bind(obligation_id).execute(&mut *tx).await?.rows_affected();
                if taken == 0 {
                    return Err(StoreError::Stale("这份督办草稿刚刚已被处理（发出或不予督办），本次未发出：请刷新页面查看".into()));
                }
            }
            let (same,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM notices WHERE obligation_id = $1 AND issued_on = $2 AND new_due = $3",
            )
            .bind(obligation_id).bind(issued_on).bind(new_due).fetch_one(&mut *tx).await?;
            if same > 0 {
                return Err(StoreError::Stale(format!("今天已就这项任务发出过办结期限为 {new_due} 的督办通知")));
            }
            let (notice_id, number) = insert_notice!(self, tx, obligation_id, issued_on, new_due, note, actor);
            sqlx::query("UPDATE notice_drafts SET status = 'issued', notice_id = $1, decided_by = $2 WHERE obligation_id = $3 AND (status = 'draft' OR id = $4)")
                .bind(notice_id).bind(actor).bind(obligation_id).bind(draft.unwrap_or(0)).execute(&mut *tx).await?;
            let key = format!("notice:{}", notice_number(issued_on.year(), number));
            let message = message.replace("{number}", &notice_number(issued_on.year(), number));
            let (event_id,): (i64,) = sqlx::query_as(
                "INSERT INTO reminder_events (subject_kind, subject_id, unit_id, obligation_id, event_key, kind, lead_days, as_of, message, created_at)
                 SELECT $1, o.id, o.unit_id, o.id, $2, $3, NULL, $4, $5, $6 FROM obligations o WHERE o.id = $7 RETURNING id",
            )
            .bind(Subject::OBLIGATION).bind(&key).bind(EventKind::Escalation.label()).bind(issued_on).bind(&message).bind(Utc::now())
            .bind(obligation_id)
            .fetch_one(&mut *tx).await?;
            for channel in &channels {
                sqlx::query("INSERT INTO deliveries (event_id, channel) VALUES ($1, $2)").bind(event_id).bind(*channel).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            notice_id
        });
        self.notices(None, Some(id)).await?.into_iter().next().ok_or_else(|| StoreError::NotFound("督办通知".into()))
    }

    /// The rule's 督办 drafts waiting for the office, on work still open,
    /// longest overdue first; or one draft by id, whatever its state.
    pub async fn notice_drafts(&self, id: Option<i64>) -> StoreResult<Vec<DraftRow>> {
        self.drafts_window(id, 0, i64::MAX).await
    }

    /// One page of the drafts waiting for the office, in the same order.
    pub async fn notice_drafts_page(&self, offset: i64, limit: i64) -> StoreResult<Vec<DraftRow>> {
        self.drafts_window(None, offset, limit).await
    }

    async fn drafts_window(&self, id: Option<i64>, offset: i64, limit: i64) -> StoreResult<Vec<DraftRow>> {
        // The numbers written in, not bound: see `ObligationFilter::sql`.
        let sql = format!(
            "SELECT d.id, d.obligation_id, u.name AS unit, t.seq AS task_seq, t.task_text AS task, m.text AS milestone,
                    d.due_date AS due, d.drafted_on, d.new_due
             FROM notice_drafts d JOIN obligations o ON o.id = d.obligation_id JOIN units u ON u.id = o.unit_id
             JOIN tasks t ON t.id = o.task_id JOIN milestones m ON m.task_id = o.task_id AND m.idx = o.milestone_idx
             WHERE ($1 IS NULL AND d.status = 'draft' AND o.active = TRUE AND o.status IN ('pending', 'returned')
                    AND o.due_date = d.due_date)
                OR d.id = $1
             ORDER BY d.due_date, t.seq, u.name, d.id LIMIT {} OFFSET {}",
            limit.clamp(0, i64::from(i32::MAX)),
            offset.max(0)
        );
        Ok(on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(pool).await?))
    }

    /// How many drafts wait for the office (the 工作台's count).
    pub async fn notice_draft_count(&self) -> StoreResult<i64> {
        self.count(
            "SELECT COUNT(*) FROM notice_drafts d JOIN obligations o ON o.id = d.obligation_id
             WHERE d.status = 'draft' AND o.active = TRUE AND o.status IN ('pending', 'returned') AND o.due_date = d.due_date",
        )
        .await
    }

    /// The office sets a draft aside (不予督办), with its reason.
    pub async fn dismiss_draft(&self, id: i64, note: &str, actor: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let done = sqlx::query("UPDATE notice_drafts SET status = 'dismissed', decided_by = $1, decision_note = $2 WHERE id = $3 AND status = 'draft'")
                .bind(actor).bind(note).bind(id).execute(&mut *tx).await?.rows_affected();
            if done == 0 {
                return Err(StoreError::Stale("这份督办草稿刚刚已被处理（发出或不予督办）：请刷新页面查看".into()));
            }
            audit!(self, tx, actor, "notice.dismiss", &format!("督办草稿 {id}"), None, Some(note.to_string()));
            tx.commit().await?;
        });
        Ok(())
    }

    /// 督办 notices, newest first: of one unit, or one notice.
    pub async fn notices(&self, unit: Option<&str>, id: Option<i64>) -> StoreResult<Vec<NoticeRow>> {
        let sql = format!(
            "SELECT {NOTICE_COLUMNS} WHERE ($1 IS NULL OR u.name = $1) AND ($2 IS NULL OR n.id = $2) ORDER BY n.id DESC"
        );
        let rows: Vec<NoticeRecord> = match &self.readers {
            Some(readers) => {
                let args = [unit.map_or(Arg::Null, |u| Arg::Text(u.to_string())), id.map_or(Arg::Null, Arg::Int)];
                readers.read(move |c| read::rows(c, &sql, &args, NoticeRecord::read)).await?
            }
            None => on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(unit).bind(id).fetch_all(pool).await?
            }),
        };
        Ok(rows.into_iter().map(NoticeRow::from).collect())
    }

    /// One page of the notices (a unit's, or all), newest first.
    pub async fn notices_page(&self, unit: Option<&str>, offset: i64, limit: i64) -> StoreResult<Vec<NoticeRow>> {
        // The numbers written in, not bound: see `ObligationFilter::sql`.
        let sql = format!(
            "SELECT {NOTICE_COLUMNS} WHERE ($1 IS NULL OR u.name = $1) ORDER BY n.id DESC LIMIT {} OFFSET {}",
            limit.clamp(0, 10_000),
            offset.max(0)
        );
        let rows: Vec<NoticeRecord> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(unit).fetch_all(pool).await?);
        Ok(rows.into_iter().map(NoticeRow::from).collect())
    }

    /// How many notices a unit has on work still open (the menu's 督办 badge).
    pub async fn open_notice_count(&self, unit: &str) -> StoreResult<i64> {
        let (count,): (i64,) = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT COUNT(*) FROM notices n JOIN obligations o ON o.id = n.obligation_id JOIN units u ON u.id = o.unit_id
                 WHERE u.name = $1 AND o.active = TRUE AND o.status IN ('pending', 'returned')",
            )
            .bind(unit).fetch_one(pool).await?
        });
        Ok(count)
    }

    /// How many notices (a unit's, or all).
    pub async fn notice_count(&self, unit: Option<&str>) -> StoreResult<i64> {
        let (count,): (i64,) = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT COUNT(*) FROM notices n JOIN obligations o ON o.id = n.obligation_id JOIN units u ON u.id = o.unit_id
                 WHERE ($1 IS NULL OR u.name = $1)",
            )
            .bind(unit).fetch_one(pool).await?
        });
        Ok(count)
    }

    /// What a unit was told (its web inbox), newest first.
    pub async fn inbox(&self, unit: &str, limit: i64) -> StoreResult<Vec<InboxRow>> {
        // The limit written in, not bound: see `ObligationFilter::sql`.
        let sql = format!(
            "SELECT e.subject_kind, e.subject_id, e.obligation_id, e.kind, e.message, e.as_of
             FROM reminder_events e JOIN units u ON u.id = e.unit_id
             WHERE u.name = $1 ORDER BY e.id DESC LIMIT {limit}"
        );
        if let Some(readers) = &self.readers {
            let args = [Arg::Text(unit.to_string())];
            let row = |r: &rusqlite::Row<'_>| {
                Ok(InboxRow {
                    subject_kind: r.get(0)?,
                    subject_id: r.get(1)?,
                    obligation_id: r.get(2)?,
                    kind: r.get(3)?,
                    message: r.get(4)?,
                    as_of: read::day(r, 5)?,
                })
            };
            return readers.read_now(|c| read::rows(c, &sql, &args, row)).await;
        }
        Ok(on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(unit).fetch_all(pool).await?))
    }
}

/// A request on the office's 延期 list, with the work it is about.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExtensionListRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub request: ExtensionRow,
    pub unit: String,
    pub task_seq: i32,
    pub milestone: String,
}

/// An extension request's columns, with people by their names.
const EXTENSION_COLUMNS: &str = "e.id, e.obligation_id, e.previous_due, e.requested_due, e.reason,
     COALESCE((SELECT display_name FROM users WHERE login = e.requested_by), e.requested_by) AS requested_by,
     e.requested_at, e.status,
     COALESCE((SELECT display_name FROM users WHERE login = e.decided_by), e.decided_by) AS decided_by,
     e.decision_note";

/// A request for a later due date and what became of it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExtensionRow {
    pub id: i64,
    pub obligation_id: ObligationId,
    pub previous_due: NaiveDate,
    pub requested_due: NaiveDate,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: chrono::DateTime<Utc>,
    /// pending, granted, refused.
    pub status: String,
    pub decided_by: Option<String>,
    pub decision_note: String,
}

impl Store {
    /// 延期申请: one open request at a time, for a later date than now due.
    pub async fn request_extension(
        &self,
        obligation_id: ObligationId,
        requested_due: NaiveDate,
        reason: &str,
        actor: &str,
    ) -> StoreResult<i64> {
        if reason.trim().is_empty() {
            return Err(StoreError::Invalid("请写明延期理由".into()));
        }
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let found: Option<(Option<NaiveDate>, String)> =
                sqlx::query_as("SELECT due_date, status FROM obligations WHERE id = $1 AND active = TRUE")
                    .bind(obligation_id).fetch_optional(&mut *tx).await?;
            let Some((due, status)) = found else { return Err(StoreError::NotFound(format!("任务事项 {obligation_id}"))) };
            let Some(due) = due else { return Err(StoreError::Invalid("这项任务没有截止日期，无需延期".into())) };
            if status == "accepted" {
                return Err(StoreError::Invalid("这项任务已审核通过，无需延期".into()));
            }
            if requested_due <= due {
                return Err(StoreError::Invalid(format!("申请的日期应晚于现在的截止日期 {due}")));
            }
            let open: Option<(i64,)> = sqlx::query_as("SELECT id FROM extensions WHERE obligation_id = $1 AND status = 'pending'")
                .bind(obligation_id).fetch_optional(&mut *tx).await?;
            const ALREADY_OPEN: &str = "已有一份延期申请在等待公开办答复";
            if open.is_some() {
                return Err(StoreError::Stale(ALREADY_OPEN.into()));
            }
            // The database keeps one open request per obligation
            // (extensions_one_open): of two sent at once, one is stored.
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO extensions (obligation_id, previous_due, requested_due, reason, requested_by, requested_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(obligation_id).bind(due).bind(requested_due).bind(reason.trim()).bind(actor).bind(Utc::now())
            .fetch_one(&mut *tx).await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict { .. } => StoreError::Stale(ALREADY_OPEN.into()),
                other => other,
            })?;
            let after = serde_json::json!({ "requested_due": requested_due, "reason": reason.trim() }).to_string();
            audit!(self, tx, actor, "extension.request", &format!("任务事项 {obligation_id}"), Some(due.to_string()), Some(after));
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// The office grants (the due date moves) or refuses the open request.
    pub async fn decide_extension(
        &self,
        obligation_id: ObligationId,
        grant: bool,
        note: &str,
        actor: &str,
    ) -> StoreResult<()> {
        if !grant && note.trim().is_empty() {
            return Err(StoreError::Invalid("不同意延期时请写明理由".into()));
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let open: Option<(i64, NaiveDate, NaiveDate)> = sqlx::query_as(
                "SELECT id, previous_due, requested_due FROM extensions WHERE obligation_id = $1 AND status = 'pending'",
            )
            .bind(obligation_id).fetch_optional(&mut *tx).await?;
            const NONE_OPEN: &str = "这项任务没有待答复的延期申请（可能刚被他人答复），请刷新页面查看";
            let Some((id, previous, requested)) = open else {
                return Err(StoreError::Stale(NONE_OPEN.into()));
            };
            let status = if grant { "granted" } else { "refused" };
            // On the request still pending: of two answers given at once, one counts.
            let answered = sqlx::query(
                "UPDATE extensions SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5 AND status = 'pending'",
            )
            .bind(status).bind(actor).bind(Utc::now()).bind(note.trim()).bind(id).execute(&mut *tx).await?.rows_affected();
            if answered == 0 {
                return Err(StoreError::Stale(NONE_OPEN.into()));
            }
            if grant {
                sqlx::query("UPDATE obligations SET due_date = $1 WHERE id = $2 AND due_date = $3")
                    .bind(requested).bind(obligation_id).bind(previous).execute(&mut *tx).await?;
                // A 督办通知 already issued now asks for the granted day; the
                // day it first gave is kept beside it (and in the log).
                let moved: Vec<(i64, NaiveDate)> = sqlx::query_as(
                    "UPDATE notices SET first_new_due = COALESCE(first_new_due, new_due), new_due = $1
                     WHERE obligation_id = $2 AND new_due < $1 RETURNING id, first_new_due",
                )
                .bind(requested).bind(obligation_id).fetch_all(&mut *tx).await?;
                for (notice, first) in moved {
                    audit!(self, tx, actor, "notice.deadline", &format!("督办通知 {notice}"), Some(first.to_string()), Some(requested.to_string()));
                }
            }
            let after = serde_json::json!({ "decision": status, "due": if grant { requested } else { previous }, "note": note.trim() }).to_string();
            audit!(self, tx, actor, "extension.decide", &format!("任务事项 {obligation_id}"), Some(previous.to_string()), Some(after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// An obligation's requests, oldest first: its due-date history.
    pub async fn extensions(&self, obligation_id: ObligationId) -> StoreResult<Vec<ExtensionRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                sqlx::AssertSqlSafe(format!("SELECT {EXTENSION_COLUMNS} FROM extensions e WHERE e.obligation_id = $1 ORDER BY e.id")),
            ).bind(obligation_id).fetch_all(pool).await?
        }))
    }

    /// The 延期 list, a page at a time: requests waiting for the office
    /// (oldest first), then those answered (latest first), each with its
    /// unit and task.
    pub async fn extension_list(&self, offset: i64, limit: i64) -> StoreResult<Vec<ExtensionListRow>> {
        // The numbers written in, not bound: see `ObligationFilter::sql`.
        let sql = format!(
            "SELECT {EXTENSION_COLUMNS}, u.name AS unit, t.seq AS task_seq, m.text AS milestone
             FROM extensions e JOIN obligations o ON o.id = e.obligation_id JOIN units u ON u.id = o.unit_id
             JOIN tasks t ON t.id = o.task_id JOIN milestones m ON m.task_id = o.task_id AND m.idx = o.milestone_idx
             ORDER BY e.status <> 'pending', CASE WHEN e.status = 'pending' THEN e.id ELSE -e.id END LIMIT {} OFFSET {}",
            limit.clamp(0, 10_000),
            offset.max(0)
        );
        Ok(on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?))
    }

    /// How many requests there are, answered or not.
    pub async fn extension_count(&self) -> StoreResult<i64> {
        self.count("SELECT COUNT(*) FROM extensions").await
    }

    /// How many requests wait for the office (the 工作台's count).
    pub async fn pending_extension_count(&self) -> StoreResult<i64> {
        self.count("SELECT COUNT(*) FROM extensions WHERE status = 'pending'").await
    }
}
