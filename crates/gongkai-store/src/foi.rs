//! The 依申请公开 register: requests, what happened to each and when, the
//! letters sent, the 行政复议/行政诉讼 cases, the annual report as a unit
//! writes it, and the letters' templates. What the events mean (the clock,
//! the outcome) is worked out by the caller from the domain's rules and
//! stored beside them, for counting and reminders; every change is
//! conditional on the revision the writer read, and audited.

use crate::{BeginWrite, CaseId, RequestId, Store, StoreError, StoreResult, UnitId, audit, on_pool};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// A request as the register lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RequestRow {
    pub id: RequestId,
    pub unit_id: UnitId,
    pub unit: String,
    pub number: String,
    pub applicant_kind: String,
    pub applicant: String,
    pub contact: String,
    pub channel: String,
    pub text: String,
    pub received_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub concluded_on: Option<NaiveDate>,
    pub awaiting_calendar: bool,
    pub from_public: bool,
    pub revision: i32,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// One thing that happened to a request, on a day.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RequestEventRow {
    pub id: i64,
    pub kind: String,
    pub date: NaiveDate,
    pub outcome: Option<String>,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// What the events of a request come to, worked out by the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RequestState {
    pub received_on: Option<NaiveDate>,
    /// The last day to answer (extended where it was), while one is due.
    pub due_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub concluded_on: Option<NaiveDate>,
    /// Received, the due date waiting for a year's holidays to be loaded.
    pub awaiting_calendar: bool,
}

/// A request to enter.
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// The unit's full name.
    pub unit: String,
    pub number: String,
    pub applicant_kind: String,
    pub applicant: String,
    pub contact: String,
    pub channel: String,
    pub text: String,
    pub from_public: bool,
    /// The form it came from: a second request with the same key is refused.
    pub submission_key: Option<String>,
    pub events: Vec<NewRequestEvent>,
    pub state: RequestState,
    /// 行政复议 and 行政诉讼 cases about its answer.
    pub cases: Vec<NewCase>,
}

/// A 行政复议 or 行政诉讼 case to record.
#[derive(Debug, Clone, Serialize)]
pub struct NewCase {
    pub kind: String,
    pub filed_on: NaiveDate,
    pub result: String,
    pub closed_on: Option<NaiveDate>,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NewRequestEvent {
    pub kind: String,
    pub date: NaiveDate,
    pub outcome: Option<String>,
    pub note: String,
}

impl NewRequestEvent {
    /// As the audit log reads it: "延期答复 2025-03-02", with an answer's result.
    pub fn words(&self) -> String {
        let kind = gongkai_domain::foi::EventKind::from_code(&self.kind).map_or(self.kind.as_str(), |k| k.label());
        match &self.outcome {
            Some(outcome) => format!("{kind} {}（{outcome}）", self.date),
            None => format!("{kind} {}", self.date),
        }
    }
}

impl NewCase {
    /// As the audit log reads it: "行政复议 2025-09-01 结果维持".
    pub fn words(&self) -> String {
        format!("{} {} {}", self.kind, self.filed_on, self.result)
    }
}

impl RequestState {
    /// Its fields beside others in an audit entry (a JSON object).
    fn put_into(&self, entry: &mut serde_json::Value) {
        if let Some(map) = entry.as_object_mut() {
            map.insert("received_on".into(), serde_json::json!(self.received_on));
            map.insert("due_on".into(), serde_json::json!(self.due_on));
            map.insert("outcome".into(), serde_json::json!(self.outcome));
            map.insert("concluded_on".into(), serde_json::json!(self.concluded_on));
        }
    }
}

/// A letter made for a request, kept with it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RequestDocumentRow {
    pub id: i64,
    pub request_id: RequestId,
    pub kind: String,
    pub name: String,
    pub content_type: String,
    pub sha256: String,
    pub size: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A 行政复议 or 行政诉讼 case.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseRow {
    pub id: CaseId,
    pub unit: String,
    pub request_id: Option<RequestId>,
    pub request_number: Option<String>,
    pub kind: String,
    pub filed_on: NaiveDate,
    pub result: String,
    pub closed_on: Option<NaiveDate>,
    pub note: String,
    pub revision: i32,
}

/// What a unit writes in its annual report.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct AnnualReportText {
    pub overview: String,
    /// Table 二 as entered: JSON, each cell by its row and column.
    pub table2: String,
    pub problems: String,
    pub other: String,
    /// 0 before the first save.
    pub revision: i32,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The register's counts for a year's table 三, by applicant kind and
/// outcome: requests received before the year (carried in) or in it, and
/// whether they were concluded by its end.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestTally {
    pub applicant_kind: String,
    pub outcome: Option<String>,
    pub carried: bool,
    pub concluded: bool,
    pub count: i64,
}

/// Cases filed in a year, by kind and result as at the year's end.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseTally {
    pub kind: String,
    pub result: String,
    pub count: i64,
}

/// Which requests to list.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub unit: Option<String>,
    /// Not yet concluded.
    pub open: bool,
    pub limit: i64,
    pub offset: i64,
}

macro_rules! select_request {
    () => {
        "SELECT r.id, r.unit_id, u.name AS unit, r.number, r.applicant_kind, r.applicant, r.contact, r.channel, r.text,
         r.received_on, r.due_on, r.outcome, r.concluded_on, r.awaiting_calendar, r.from_public, r.revision, r.created_by,
         r.created_at
         FROM foi_requests r JOIN units u ON u.id = r.unit_id"
    };
}

macro_rules! select_case {
    () => {
        "SELECT c.id, u.name AS unit, c.request_id, r.number AS request_number, c.kind, c.filed_on, c.result,
         c.closed_on, c.note, c.revision
         FROM foi_cases c JOIN units u ON u.id = c.unit_id LEFT JOIN foi_requests r ON r.id = c.request_id"
    };
}

const CHANGED: &str = "这件申请刚刚已被他人登记了新的办理情况，本次未保存：请刷新页面，看过最新情况后再登记";

impl Store {
    /// Enters requests with their events, all or none (one import).
    pub async fn add_requests(&self, requests: &[NewRequest], actor: &str) -> StoreResult<Vec<RequestId>> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let mut ids = Vec::with_capacity(requests.len());
            let now = Utc::now();
            for r in requests {
                let (id,): (RequestId,) = sqlx::query_as(
                    "INSERT INTO foi_requests (unit_id, number, applicant_kind, applicant, contact, channel, text,
                        received_on, due_on, outcome, concluded_on, from_public, created_by, created_at, submission_key,
                        awaiting_calendar)
                     SELECT u.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 FROM units u WHERE u.name = $1
                     RETURNING id",
                )
                .bind(&r.unit).bind(&r.number).bind(&r.applicant_kind).bind(&r.applicant).bind(&r.contact)
                .bind(&r.channel).bind(&r.text).bind(r.state.received_on).bind(r.state.due_on)
                .bind(&r.state.outcome).bind(r.state.concluded_on).bind(r.from_public).bind(actor).bind(now)
                .bind(&r.submission_key).bind(r.state.awaiting_calendar)
                .fetch_optional(&mut *tx).await?
                .ok_or_else(|| StoreError::NotFound(format!("单位“{}”", r.unit)))?;
                for e in &r.events {
                    sqlx::query(
                        "INSERT INTO foi_events (request_id, kind, date, note, recorded_by, recorded_at, outcome)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(id).bind(&e.kind).bind(e.date).bind(&e.note).bind(actor).bind(now).bind(&e.outcome)
                    .execute(&mut *tx).await?;
                }
                for c in &r.cases {
                    sqlx::query(
                        "INSERT INTO foi_cases (unit_id, request_id, kind, filed_on, result, closed_on, note, created_by, created_at)
                         SELECT unit_id, id, $2, $3, $4, $5, $6, $7, $8 FROM foi_requests WHERE id = $1",
                    )
                    .bind(id).bind(&c.kind).bind(c.filed_on).bind(&c.result).bind(c.closed_on).bind(&c.note)
                    .bind(actor).bind(now)
                    .execute(&mut *tx).await?;
                }
                let mut after = serde_json::json!({
                    "number": r.number, "applicant_kind": r.applicant_kind, "channel": r.channel,
                    "events": r.events.iter().map(NewRequestEvent::words).collect::<Vec<_>>(),
                    "cases": r.cases.iter().map(NewCase::words).collect::<Vec<_>>(),
                });
                r.state.put_into(&mut after);
                let after = after.to_string();
                audit!(self, tx, actor, "foi.add", &format!("政府信息公开申请 {}", r.number), None, Some(after));
                ids.push(id);
            }
            tx.commit().await?;
            ids
        }))
    }

    pub async fn request(&self, id: RequestId) -> StoreResult<RequestRow> {
        let found: Option<RequestRow> = on_pool!(self, pool => {
            sqlx::query_as(concat!(select_request!(), " WHERE r.id = $1")).bind(id).fetch_optional(pool).await?
        });
        found.ok_or_else(|| StoreError::NotFound(format!("政府信息公开申请 {id}")))
    }

    /// A request by its receipt number (the public status query).
    pub async fn request_by_number(&self, number: &str) -> StoreResult<Option<RequestRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(concat!(select_request!(), " WHERE r.number = $1")).bind(number).fetch_optional(pool).await?
        }))
    }

    /// The register, newest first, one page of it.
    pub async fn requests(&self, filter: &RequestFilter) -> StoreResult<Vec<RequestRow>> {
        let sql = concat!(
            select_request!(),
            " WHERE ($1 IS NULL OR u.name = $1) AND ($2 = FALSE OR r.concluded_on IS NULL)
              ORDER BY r.id DESC LIMIT $3 OFFSET $4"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(&filter.unit).bind(filter.open).bind(filter.limit).bind(filter.offset)
                .fetch_all(pool).await?
        }))
    }

    /// How many requests the filter finds (for the register's pages).
    pub async fn request_count(&self, filter: &RequestFilter) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => {
            let (count,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM foi_requests r JOIN units u ON u.id = r.unit_id
                 WHERE ($1 IS NULL OR u.name = $1) AND ($2 = FALSE OR r.concluded_on IS NULL)",
            )
            .bind(&filter.unit).bind(filter.open).fetch_one(pool).await?;
            count
        }))
    }

    /// Requests still waiting for an answer whose last day is on or before
    /// `by` (reminders), of one unit or all.
    pub async fn requests_due_by(&self, unit: Option<&str>, by: NaiveDate) -> StoreResult<Vec<RequestRow>> {
        let sql = concat!(
            select_request!(),
            " WHERE r.concluded_on IS NULL AND r.due_on IS NOT NULL AND r.due_on <= $2
              AND ($1 IS NULL OR u.name = $1) ORDER BY r.due_on, r.id"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql).bind(unit).bind(by).fetch_all(pool).await?
        }))
    }

    /// Per unit, requests past their due date by `as_of` without an answer
    /// by it: answered late, or not yet (考核).
    pub async fn late_request_counts(&self, as_of: NaiveDate) -> StoreResult<Vec<(String, i64)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.name, COUNT(*) FROM foi_requests r JOIN units u ON u.id = r.unit_id
                 WHERE r.due_on IS NOT NULL AND r.due_on < $1 AND (r.concluded_on IS NULL OR r.concluded_on > r.due_on)
                 GROUP BY u.name",
            )
            .bind(as_of).fetch_all(pool).await?
        }))
    }

    /// Requests needing the unit now: past their due date, due by `soon`,
    /// or sent through the public form and not yet confirmed; of one unit or all.
    pub async fn pressing_request_count(
        &self,
        unit: Option<&str>,
        soon: NaiveDate,
        unconfirmed: bool,
    ) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => {
            let (count,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM foi_requests r JOIN units u ON u.id = r.unit_id
                 WHERE r.concluded_on IS NULL AND ($1 IS NULL OR u.name = $1)
                   AND (r.due_on <= $2 OR ($3 AND r.received_on IS NULL AND r.from_public))",
            )
            .bind(unit).bind(soon).bind(unconfirmed).fetch_one(pool).await?;
            count
        }))
    }

    /// Requests whose due date waits for a year's holidays to be loaded.
    pub async fn requests_awaiting_due(&self) -> StoreResult<Vec<RequestRow>> {
        let sql = concat!(
            select_request!(),
            " WHERE r.awaiting_calendar AND r.concluded_on IS NULL ORDER BY r.id LIMIT 100000"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await?))
    }

    /// Keeps what a request's events now come to (its due date, once the
    /// calendar has the year), over revision `seen`.
    pub async fn set_request_state(
        &self,
        id: RequestId,
        seen: i32,
        state: &RequestState,
        actor: &str,
    ) -> StoreResult<()> {
        self.change_request_events(id, seen, None, None, state, actor).await
    }

    pub async fn request_events(&self, id: RequestId) -> StoreResult<Vec<RequestEventRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT e.id, e.kind, e.date, e.outcome, e.note, COALESCE(u.display_name, e.recorded_by) AS recorded_by,
                        e.recorded_at
                 FROM foi_events e LEFT JOIN users u ON u.login = e.recorded_by
                 WHERE e.request_id = $1 ORDER BY e.date, e.id",
            )
            .bind(id).fetch_all(pool).await?
        }))
    }

    /// Records what happened (`event`), or takes back a mistaken entry
    /// (`remove`), over the revision `seen`; `state` is what the events
    /// come to afterwards. With neither, only the state is kept (a due
    /// date worked out once the calendar has its year).
    pub async fn change_request_events(
        &self,
        id: RequestId,
        seen: i32,
        event: Option<&NewRequestEvent>,
        remove: Option<i64>,
        state: &RequestState,
        actor: &str,
    ) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let (number,): (String,) = sqlx::query_as(
                "UPDATE foi_requests SET revision = revision + 1, received_on = $3, due_on = $4, outcome = $5,
                     concluded_on = $6, awaiting_calendar = $7
                 WHERE id = $1 AND revision = $2 RETURNING number",
            )
            .bind(id).bind(seen).bind(state.received_on).bind(state.due_on).bind(&state.outcome)
            .bind(state.concluded_on).bind(state.awaiting_calendar)
            .fetch_optional(&mut *tx).await?
            .ok_or_else(|| StoreError::Stale(CHANGED.into()))?;
            let target = format!("政府信息公开申请 {number}");
            if let Some(e) = event {
                sqlx::query(
                    "INSERT INTO foi_events (request_id, kind, date, note, recorded_by, recorded_at, outcome)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id).bind(&e.kind).bind(e.date).bind(&e.note).bind(actor).bind(Utc::now()).bind(&e.outcome)
                .execute(&mut *tx).await?;
                let mut after = serde_json::json!({ "event": e.words(), "note": e.note });
                state.put_into(&mut after);
                audit!(self, tx, actor, "foi.event", &target, None, Some(after.to_string()));
            }
            if let Some(event_id) = remove {
                let removed: Option<(String, NaiveDate, String)> = sqlx::query_as(
                    "DELETE FROM foi_events WHERE id = $1 AND request_id = $2 RETURNING kind, date, note",
                )
                .bind(event_id).bind(id).fetch_optional(&mut *tx).await?;
                let (kind, date, note) = removed.ok_or_else(|| StoreError::Stale(CHANGED.into()))?;
                let taken = NewRequestEvent { kind, date, outcome: None, note };
                let before = serde_json::json!({ "event": taken.words(), "note": taken.note }).to_string();
                let mut after = serde_json::json!({});
                state.put_into(&mut after);
                audit!(self, tx, actor, "foi.event_remove", &target, Some(before), Some(after.to_string()));
            }
            if event.is_none() && remove.is_none() {
                let mut after = serde_json::json!({});
                state.put_into(&mut after);
                audit!(self, tx, actor, "foi.due", &target, None, Some(after.to_string()));
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Corrects who asked and how to reach them, over revision `seen`.
    #[allow(clippy::too_many_arguments)]
    pub async fn edit_request(
        &self,
        id: RequestId,
        seen: i32,
        applicant_kind: &str,
        applicant: &str,
        contact: &str,
        text: &str,
        actor: &str,
    ) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before: Option<(String, String, String, String, String)> = sqlx::query_as(
                "SELECT number, applicant_kind, applicant, contact, text FROM foi_requests WHERE id = $1 AND revision = $2",
            )
            .bind(id).bind(seen).fetch_optional(&mut *tx).await?;
            let (number, kind0, applicant0, contact0, text0) = before.ok_or_else(|| StoreError::Stale(CHANGED.into()))?;
            let changed = sqlx::query(
                "UPDATE foi_requests SET applicant_kind = $3, applicant = $4, contact = $5, text = $6,
                     revision = revision + 1
                 WHERE id = $1 AND revision = $2",
            )
            .bind(id).bind(seen).bind(applicant_kind).bind(applicant).bind(contact).bind(text)
            .execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Err(StoreError::Stale(CHANGED.into()));
            }
            let before = serde_json::json!({
                "applicant_kind": kind0, "applicant": applicant0, "contact": contact0, "text": text0,
            }).to_string();
            let after = serde_json::json!({
                "applicant_kind": applicant_kind, "applicant": applicant, "contact": contact, "text": text,
            }).to_string();
            audit!(self, tx, actor, "foi.edit", &format!("政府信息公开申请 {number}"), Some(before), Some(after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Keeps a letter made for a request (its bytes are in the file folder).
    #[allow(clippy::too_many_arguments)]
    pub async fn add_request_document(
        &self,
        id: RequestId,
        seen: i32,
        kind: &str,
        name: &str,
        content_type: &str,
        sha256: &str,
        size: i64,
        actor: &str,
    ) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let (number,): (String,) = sqlx::query_as(
                "UPDATE foi_requests SET revision = revision + 1 WHERE id = $1 AND revision = $2 RETURNING number",
            )
            .bind(id).bind(seen).fetch_optional(&mut *tx).await?
            .ok_or_else(|| StoreError::Stale(CHANGED.into()))?;
            let (doc,): (i64,) = sqlx::query_as(
                "INSERT INTO foi_documents (request_id, kind, name, content_type, sha256, size, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(id).bind(kind).bind(name).bind(content_type).bind(sha256).bind(size).bind(actor).bind(Utc::now())
            .fetch_one(&mut *tx).await?;
            let after = serde_json::json!({ "kind": kind, "name": name }).to_string();
            audit!(self, tx, actor, "foi.document", &format!("政府信息公开申请 {number}"), None, Some(after));
            tx.commit().await?;
            doc
        }))
    }

    pub async fn request_documents(&self, id: RequestId) -> StoreResult<Vec<RequestDocumentRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT d.id, d.request_id, d.kind, d.name, d.content_type, d.sha256, d.size,
                        COALESCE(u.display_name, d.created_by) AS created_by, d.created_at
                 FROM foi_documents d LEFT JOIN users u ON u.login = d.created_by
                 WHERE d.request_id = $1 ORDER BY d.id",
            )
            .bind(id).fetch_all(pool).await?
        }))
    }

    pub async fn request_document(&self, id: RequestId, document: i64) -> StoreResult<RequestDocumentRow> {
        let found: Option<RequestDocumentRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, request_id, kind, name, content_type, sha256, size, created_by, created_at
                 FROM foi_documents WHERE request_id = $1 AND id = $2",
            )
            .bind(id).bind(document).fetch_optional(pool).await?
        });
        found.ok_or_else(|| StoreError::NotFound("文书".into()))
    }

    /// Records a 行政复议 or 行政诉讼 case about a request's answer, over
    /// the request's revision `seen`.
    pub async fn add_case(&self, request: RequestId, seen: i32, case: &NewCase, actor: &str) -> StoreResult<CaseId> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let (number,): (String,) = sqlx::query_as(
                "UPDATE foi_requests SET revision = revision + 1 WHERE id = $1 AND revision = $2 RETURNING number",
            )
            .bind(request).bind(seen).fetch_optional(&mut *tx).await?
            .ok_or_else(|| StoreError::Stale(CHANGED.into()))?;
            let (id,): (CaseId,) = sqlx::query_as(
                "INSERT INTO foi_cases (unit_id, request_id, kind, filed_on, result, closed_on, note, created_by, created_at)
                 SELECT unit_id, id, $2, $3, $4, $5, $6, $7, $8 FROM foi_requests WHERE id = $1 RETURNING id",
            )
            .bind(request).bind(&case.kind).bind(case.filed_on).bind(&case.result).bind(case.closed_on).bind(&case.note)
            .bind(actor).bind(Utc::now())
            .fetch_one(&mut *tx).await?;
            let after = serde_json::json!({
                "kind": case.kind, "filed_on": case.filed_on, "result": case.result, "closed_on": case.closed_on,
                "note": case.note,
            }).to_string();
            audit!(self, tx, actor, "foi.case", &format!("政府信息公开申请 {number}"), None, Some(after));
            tx.commit().await?;
            id
        }))
    }

    /// Records a case's result, over revision `seen`.
    pub async fn close_case(
        &self,
        id: CaseId,
        seen: i32,
        result: &str,
        closed_on: Option<NaiveDate>,
        actor: &str,
    ) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE foi_cases SET result = $3, closed_on = $4, revision = revision + 1 WHERE id = $1 AND revision = $2",
            )
            .bind(id).bind(seen).bind(result).bind(closed_on).execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Err(StoreError::Stale("这件案件的结果刚刚已被他人登记，请刷新页面".into()));
            }
            let after = serde_json::json!({ "result": result, "closed_on": closed_on }).to_string();
            audit!(self, tx, actor, "foi.case_result", &format!("案件 {id}"), None, Some(after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Cases of one unit (or all), newest first.
    pub async fn cases(&self, unit: Option<&str>, request: Option<RequestId>) -> StoreResult<Vec<CaseRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(concat!(
                select_case!(),
                " WHERE ($1 IS NULL OR u.name = $1) AND ($2 IS NULL OR c.request_id = $2) ORDER BY c.filed_on DESC, c.id DESC LIMIT 1000"
            ))
            .bind(unit).bind(request).fetch_all(pool).await?
        }))
    }

    pub async fn case(&self, id: CaseId) -> StoreResult<CaseRow> {
        let found: Option<CaseRow> = on_pool!(self, pool => {
            sqlx::query_as(concat!(select_case!(), " WHERE c.id = $1")).bind(id).fetch_optional(pool).await?
        });
        found.ok_or_else(|| StoreError::NotFound(format!("案件 {id}")))
    }

    /// Table 三's counts for the year: requests received by its end and not
    /// concluded before it began, of one unit or all.
    pub async fn request_tallies(&self, unit: Option<&str>, year: i32) -> StoreResult<Vec<RequestTally>> {
        let (first, last) = year_bounds(year)?;
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT r.applicant_kind, r.outcome, r.received_on < $1 AS carried,
                        (r.concluded_on IS NOT NULL AND r.concluded_on <= $2) AS concluded, COUNT(*) AS count
                 FROM foi_requests r JOIN units u ON u.id = r.unit_id
                 WHERE ($3 IS NULL OR u.name = $3) AND r.received_on IS NOT NULL AND r.received_on <= $2
                   AND (r.concluded_on IS NULL OR r.concluded_on >= $1)
                 GROUP BY r.applicant_kind, r.outcome, r.received_on < $1,
                          (r.concluded_on IS NOT NULL AND r.concluded_on <= $2)",
            )
            .bind(first).bind(last).bind(unit).fetch_all(pool).await?
        }))
    }

    /// Table 三's counts for the year, unit by unit (the office's roll-up):
    /// (unit, tally) as `request_tallies` gives them.
    pub async fn request_tallies_by_unit(&self, year: i32) -> StoreResult<Vec<(String, RequestTally)>> {
        let (first, last) = year_bounds(year)?;
        let rows: Vec<(String, String, Option<String>, bool, bool, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.name, r.applicant_kind, r.outcome, r.received_on < $1,
                        (r.concluded_on IS NOT NULL AND r.concluded_on <= $2), COUNT(*)
                 FROM foi_requests r JOIN units u ON u.id = r.unit_id
                 WHERE r.received_on IS NOT NULL AND r.received_on <= $2
                   AND (r.concluded_on IS NULL OR r.concluded_on >= $1)
                 GROUP BY u.name, r.applicant_kind, r.outcome, r.received_on < $1,
                          (r.concluded_on IS NOT NULL AND r.concluded_on <= $2)
                 ORDER BY u.name",
            )
            .bind(first).bind(last).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(unit, applicant_kind, outcome, carried, concluded, count)| {
                (unit, RequestTally { applicant_kind, outcome, carried, concluded, count })
            })
            .collect())
    }

    /// Table 四's counts: cases filed in the year, by kind and result as at its end.
    pub async fn case_tallies(&self, unit: Option<&str>, year: i32) -> StoreResult<Vec<CaseTally>> {
        let (first, last) = year_bounds(year)?;
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.kind, CASE WHEN c.closed_on IS NULL OR c.closed_on > $2 THEN '尚未审结' ELSE c.result END AS result,
                        COUNT(*) AS count
                 FROM foi_cases c JOIN units u ON u.id = c.unit_id
                 WHERE ($3 IS NULL OR u.name = $3) AND c.filed_on >= $1 AND c.filed_on <= $2
                 GROUP BY c.kind, CASE WHEN c.closed_on IS NULL OR c.closed_on > $2 THEN '尚未审结' ELSE c.result END",
            )
            .bind(first).bind(last).bind(unit).fetch_all(pool).await?
        }))
    }

    /// The unit's catalogue items with information published under them in
    /// the year: (the item's names and content joined, how many records).
    pub async fn published_in_year(&self, unit: &str, year: i32) -> StoreResult<Vec<(String, i64)>> {
        let (first, last) = year_bounds(year)?;
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT COALESCE(i.level1, '') || ' ' || COALESCE(i.level2, '') || ' ' || COALESCE(i.level3, '') || ' ' || i.content,
                        COUNT(*)
                 FROM published_records r JOIN catalogue_items i ON i.id = r.item_id
                 JOIN catalogues c ON c.id = i.catalogue_id JOIN units u ON u.id = c.unit_id
                 WHERE u.name = $1 AND r.published_on >= $2 AND r.published_on <= $3
                 GROUP BY i.id, i.level1, i.level2, i.level3, i.content",
            )
            .bind(unit).bind(first).bind(last).fetch_all(pool).await?
        }))
    }

    /// What the unit wrote in its report for the year (empty, revision 0, before the first save).
    pub async fn annual_report_text(&self, unit: &str, year: i32) -> StoreResult<AnnualReportText> {
        let found: Option<AnnualReportText> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT f.overview, f.table2, f.problems, f.other, f.revision,
                        COALESCE(p.display_name, f.updated_by) AS updated_by, f.updated_at
                 FROM foi_reports f JOIN units u ON u.id = f.unit_id LEFT JOIN users p ON p.login = f.updated_by
                 WHERE u.name = $1 AND f.year = $2",
            )
            .bind(unit).bind(year).fetch_optional(pool).await?
        });
        Ok(found.unwrap_or_else(|| AnnualReportText { table2: "{}".into(), ..AnnualReportText::default() }))
    }

    /// Saves the report's written parts over revision `seen` (0: none yet).
    pub async fn save_annual_report_text(
        &self,
        unit: &str,
        year: i32,
        seen: i32,
        text: &AnnualReportText,
        actor: &str,
    ) -> StoreResult<i32> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let saved: Option<(i32,)> = if seen == 0 {
                sqlx::query_as(
                    "INSERT INTO foi_reports (unit_id, year, overview, table2, problems, other, updated_by, updated_at)
                     SELECT u.id, $2, $3, $4, $5, $6, $7, $8 FROM units u WHERE u.name = $1
                     ON CONFLICT (unit_id, year) DO NOTHING RETURNING revision",
                )
                .bind(unit).bind(year).bind(&text.overview).bind(&text.table2).bind(&text.problems).bind(&text.other)
                .bind(actor).bind(Utc::now())
                .fetch_optional(&mut *tx).await?
            } else {
                sqlx::query_as(
                    "UPDATE foi_reports SET overview = $3, table2 = $4, problems = $5, other = $6, updated_by = $7,
                         updated_at = $8, revision = revision + 1
                     WHERE year = $2 AND revision = $9 AND unit_id = (SELECT id FROM units WHERE name = $1)
                     RETURNING revision",
                )
                .bind(unit).bind(year).bind(&text.overview).bind(&text.table2).bind(&text.problems).bind(&text.other)
                .bind(actor).bind(Utc::now()).bind(seen)
                .fetch_optional(&mut *tx).await?
            };
            let saved = saved.ok_or_else(|| {
                StoreError::Stale("年度报告刚刚已被他人修改，本次未保存：请刷新页面，看过最新内容后再改".into())
            })?;
            let after = serde_json::json!({
                "overview": text.overview, "table2": text.table2, "problems": text.problems, "other": text.other,
                "revision": saved.0,
            }).to_string();
            audit!(self, tx, actor, "foi.report", &format!("{unit} {year}年政府信息公开工作年度报告"), None, Some(after));
            tx.commit().await?;
            saved.0
        }))
    }

    /// The office's wording of a letter, if it changed the built-in one: (body, revision).
    pub async fn letter_template(&self, kind: &str) -> StoreResult<Option<(String, i32)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT body, revision FROM foi_templates WHERE kind = $1")
                .bind(kind).fetch_optional(pool).await?
        }))
    }

    /// Saves the office's wording of a letter over revision `seen` (0: the built-in one).
    pub async fn save_letter_template(&self, kind: &str, seen: i32, body: &str, actor: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let saved = if seen == 0 {
                sqlx::query(
                    "INSERT INTO foi_templates (kind, body, updated_by, updated_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (kind) DO NOTHING",
                )
                .bind(kind).bind(body).bind(actor).bind(Utc::now()).execute(&mut *tx).await?.rows_affected()
            } else {
                sqlx::query(
                    "UPDATE foi_templates SET body = $2, updated_by = $3, updated_at = $4, revision = revision + 1
                     WHERE kind = $1 AND revision = $5",
                )
                .bind(kind).bind(body).bind(actor).bind(Utc::now()).bind(seen).execute(&mut *tx).await?.rows_affected()
            };
            if saved == 0 {
                return Err(StoreError::Stale("这份文书模板刚刚已被他人修改，本次未保存：请刷新页面后再改".into()));
            }
            audit!(self, tx, actor, "foi.template", &format!("{kind}模板"), None, Some(body.to_string()));
            tx.commit().await?;
        });
        Ok(())
    }
}

fn year_bounds(year: i32) -> StoreResult<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1);
    let last = NaiveDate::from_ymd_opt(year, 12, 31);
    first.zip(last).ok_or_else(|| StoreError::Invalid(format!("年份 {year} 不可用")))
}
