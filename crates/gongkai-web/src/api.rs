//! The JSON API under `/api/v1`: the same data and the same permission
//! checks as the pages, for scripts and other systems.

use crate::auth::{ApiUser, TokenUser, manages, sees_region, unit_scope};
use crate::error::{AppError, AppResult, JsonBody};
use crate::ledger::{LedgerQuery, Row};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use gongkai_store::{ObligationFilter, ObligationRow};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct Paging {
    limit: Option<i64>,
    offset: Option<i64>,
    due_before: Option<chrono::NaiveDate>,
}

/// The most rows one answer carries; more are read page by page (`offset`).
const MAX_ROWS: i64 = 10_000;

pub async fn me(ApiUser(user): ApiUser) -> Json<Value> {
    Json(json!({ "login": user.login, "role": user.role, "unit": user.unit, "name": user.display_name }))
}

fn store_error(err: gongkai_store::StoreError) -> AppError {
    AppError::from(err).as_json()
}

/// Obligations the caller may see (a unit's own, or the region's), with the
/// 台账's filters and sorting, dates in words, light and timing.
pub async fn obligations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<Paging>,
    Query(ledger): Query<LedgerQuery>,
) -> AppResult<Json<Vec<Row>>> {
    let limit = query.limit.unwrap_or(crate::ledger::PAGE_ROWS as i64);
    if !(0..=MAX_ROWS).contains(&limit) {
        return Err(AppError::bad_request(format!("limit 应在 0 到 {MAX_ROWS} 之间")).as_json());
    }
    if query.offset.is_some_and(|o| o < 0) {
        return Err(AppError::bad_request("offset 不能为负数").as_json());
    }
    if query.due_before.is_some_and(|d| !gongkai_domain::calendar::in_range(d)) {
        return Err(AppError::bad_request("due_before 应在 2000 至 2100 年之间").as_json());
    }
    let Ok(unit) = ledger.unit_for(&user).map_err(AppError::as_json)? else {
        return Ok(Json(Vec::new()));
    };
    let tasks = state.tasks().await.map_err(AppError::as_json)?;
    let today = state.today();
    let filter = ObligationFilter {
        unit,
        due_before: query.due_before,
        limit: Some(limit),
        offset: query.offset,
        ..ledger.filter(&tasks, today).map_err(AppError::as_json)?
    };
    let list = state.store.obligations(&filter).await.map_err(store_error)?;
    Ok(Json(list.into_iter().map(|o| crate::ledger::row(o, today)).collect()))
}

/// One obligation; another unit's answers 404, as if it did not exist.
pub async fn obligation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> AppResult<Json<ObligationRow>> {
    let filter = ObligationFilter { id: Some(id), ..Default::default() };
    let found = state.store.obligations(&filter).await.map_err(|e| AppError::from(e).as_json())?;
    let o = found.into_iter().next().ok_or_else(|| AppError::not_found().as_json())?;
    let directory = state.directory().await.map_err(AppError::as_json)?;
    if !crate::auth::access(&user, &o, &directory).see {
        return Err(AppError::not_found().as_json());
    }
    Ok(Json(o))
}

fn json_error(err: AppError) -> AppError {
    err.as_json()
}

/// Reports of one obligation, newest first, with files and reviews.
pub async fn submissions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<gongkai_store::SubmissionRow>>> {
    crate::reports::find_obligation(&state, &user, id).await.map_err(json_error)?;
    Ok(Json(state.store.submissions(id).await.map_err(|e| json_error(e.into()))?))
}

/// 报送 by script: the same multipart fields as the page, bearer token only.
pub async fn submit(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> AppResult<(axum::http::StatusCode, Json<Value>)> {
    let form = crate::reports::read_form(&state, form).await.map_err(json_error)?;
    let submission = crate::reports::file_report(&state, &user, id, form).await.map_err(json_error)?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({ "submission": submission, "status": "submitted" }))))
}

#[derive(Deserialize)]
pub struct ReviewBody {
    decision: String,
    #[serde(default)]
    reason: String,
}

/// 审核 by script: `{"decision": "accept" | "return" | "signoff", "reason": …}`.
pub async fn review(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<ReviewBody>,
) -> AppResult<Json<Value>> {
    crate::reports::decide(&state, &user, id, &body.decision, &body.reason).await.map_err(json_error)?;
    let (o, _) = crate::reports::find_obligation(&state, &user, id).await.map_err(json_error)?;
    Ok(Json(json!({ "status": o.status })))
}

/// The office dashboard's figures (region-wide roles only).
pub async fn dashboard(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::response::Response> {
    if !sees_region(user.role) {
        return Err(AppError::forbidden().as_json());
    }
    let board = state.dashboard().await.map_err(AppError::as_json)?;
    Ok(axum::response::IntoResponse::into_response(Json(&*board)))
}

pub async fn plans(State(state): State<AppState>, ApiUser(_): ApiUser) -> AppResult<Json<Vec<gongkai_store::PlanRow>>> {
    Ok(Json(state.store.plans().await.map_err(store_error)?))
}

#[derive(Deserialize)]
pub struct PlanSettings {
    #[serde(default)]
    head_signoff: Option<bool>,
    #[serde(default)]
    reminders: Option<gongkai_domain::supervision::Rules>,
}

/// A plan's settings (the office): `{"head_signoff": true, "reminders":
/// {"lead_days": [7, 3, 1], "escalate_after_working_days": 5, "notice_working_days": 5}}`.
pub async fn plan_settings(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<PlanSettings>,
) -> AppResult<Json<Value>> {
    if !manages(user.role) {
        return Err(AppError::forbidden().as_json());
    }
    if let Some(required) = body.head_signoff {
        state.store.set_head_signoff(id, required, &user.login).await.map_err(store_error)?;
    }
    if let Some(rules) = body.reminders {
        let rules = crate::pages::checked_rules(rules).map_err(AppError::as_json)?;
        state.store.set_plan_rules(id, &rules, &user.login).await.map_err(store_error)?;
    }
    let rules = state.store.plan_rules().await.map_err(store_error)?.remove(&id).unwrap_or_default();
    let plan = state.store.plans().await.map_err(store_error)?.into_iter().find(|p| p.id == id);
    Ok(Json(json!({ "plan": id, "head_signoff": plan.map(|p| p.head_signoff), "reminders": rules })))
}

/// The task list as written and as understood (every role may read it).
pub async fn tasks(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<gongkai_store::TaskRow>>> {
    Ok(Json(crate::auth::scope_tasks(&user, state.tasks().await.map_err(AppError::as_json)?.to_vec())))
}

/// One task with the obligations the caller may see.
pub async fn task(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Value>> {
    let tasks = crate::auth::scope_tasks(&user, state.tasks().await.map_err(AppError::as_json)?.to_vec());
    let task = tasks.into_iter().find(|t| t.id == id).ok_or_else(|| AppError::not_found().as_json())?;
    let unit = unit_scope(&user).map_err(AppError::as_json)?;
    let filter = ObligationFilter { unit, task_id: Some(id), ..Default::default() };
    let today = state.today();
    let rows: Vec<Row> = state
        .store
        .obligations(&filter)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|o| crate::ledger::row(o, today))
        .collect();
    Ok(Json(json!({ "task": task, "obligations": rows })))
}

/// The audit log, newest first, and whether its chain is intact (the office and the admin).
pub async fn audit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<crate::pages::AuditQuery>,
) -> AppResult<Json<Value>> {
    if !manages(user.role) {
        return Err(AppError::forbidden().as_json());
    }
    let entries = state.store.audit_search(&query.filter().map_err(AppError::as_json)?).await.map_err(store_error)?;
    let published = state.published_checkpoints().map_err(AppError::as_json)?;
    let intact = state.store.verify_audit(&published).await.map_err(store_error)?;
    Ok(Json(json!({ "intact": intact.is_ok(), "problem": intact.err().map(|e| e.to_string()), "entries": entries })))
}

/// The OpenAPI description of this API, kept beside the code as JSON.
pub async fn openapi() -> axum::response::Response {
    use axum::response::IntoResponse;
    ([(axum::http::header::CONTENT_TYPE, "application/json")], include_str!("openapi.json")).into_response()
}
