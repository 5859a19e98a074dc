//! 督办 and 延期 on the web: the office issues a numbered 督办通知 by hand
//! (the scheduler also issues them by rule); a unit reads its notices and
//! what it was told, and asks for a later due date, which the office grants
//! or refuses. Pages and API share the checks below.

use crate::auth::{self, ApiUser, PageUser, TokenUser};
use crate::error::{AppError, AppResult, FormBody, JsonBody};
use crate::reports::find_obligation;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use gongkai_domain::people::Role;
use gongkai_domain::supervision::{Wording, working_days_after};
use gongkai_store::{ExtensionRow, NoticeRow, User};
use serde::Deserialize;

fn optional_date(text: &str, what: &str) -> AppResult<Option<NaiveDate>> {
    crate::ledger::date(&Some(text.to_string()), what)
}

/// The office issues a 督办通知 for an obligation: a new deadline (by default
/// the plan's number of working days from today) and a note.
pub async fn issue(state: &AppState, user: &User, id: i64, new_due: &str, note: &str) -> AppResult<NoticeRow> {
    let note = gongkai_domain::input::REASON.clean(note)?;
    let (o, _) = find_obligation(state, user, id).await?;
    if user.role != Role::Office {
        return Err(AppError::forbidden());
    }
    let Some(due) = o.due else {
        return Err(AppError::bad_request("这项任务没有截止日期，不能督办"));
    };
    if !gongkai_domain::supervision::is_open(&o.status) {
        return Err(AppError::new(axum::http::StatusCode::CONFLICT, "这项任务已报送或已通过，无需督办"));
    }
    let today = state.today();
    let calendar = state.store.calendar().await?;
    let rules = state.store.plan_rules().await?.remove(&o.plan_id).unwrap_or_default();
    let new_due = match optional_date(new_due, "新的办结期限")? {
        Some(date) if date <= today => return Err(AppError::bad_request("新的办结期限应晚于今天")),
        Some(date) => date,
        None => calendar
            .add_working_days(today, rules.notice_working_days)
            .map_err(|e| AppError::bad_request(e.to_string()))?,
    };
    let wording = Wording { unit: &o.unit, task_seq: o.task_seq, milestone: &o.milestone, due };
    let message = wording.notice(working_days_after(due, today, &calendar), new_due);
    let note = if note.trim().is_empty() { "公开办督办" } else { note.trim() };
    Ok(state.store.issue_notice(id, today, new_due, note, &message, &user.login).await?)
}

/// A unit asks for a later due date.
pub async fn request(state: &AppState, user: &User, id: i64, due: &str, reason: &str) -> AppResult<i64> {
    let reason = gongkai_domain::input::REASON.clean(reason)?;
    let reason = reason.as_str();
    let (_, access) = find_obligation(state, user, id).await?;
    if !access.submit {
        return Err(AppError::forbidden());
    }
    let due = optional_date(due, "申请的截止日期")?.ok_or_else(|| AppError::bad_request("请填写申请延至的日期"))?;
    Ok(state.store.request_extension(id, due, reason, &user.login).await?)
}

/// The office grants or refuses.
pub async fn decide(state: &AppState, user: &User, id: i64, decision: &str, note: &str) -> AppResult<()> {
    let note = gongkai_domain::input::REASON.clean(note)?;
    let note = note.as_str();
    find_obligation(state, user, id).await?;
    if user.role != Role::Office {
        return Err(AppError::forbidden());
    }
    let grant = match decision {
        "grant" => true,
        "refuse" => false,
        _ => return Err(AppError::bad_request("请选择“同意”(grant)或“不同意”(refuse)")),
    };
    state.store.decide_extension(id, grant, note, &user.login).await?;
    Ok(())
}

/// Notices the user may read: a unit's own, or all for the region's roles.
async fn visible_notices(state: &AppState, user: &User, id: Option<i64>) -> AppResult<Vec<NoticeRow>> {
    let scope = auth::unit_scope(user)?;
    Ok(state.store.notices(scope.as_deref(), id).await?)
}

#[derive(Deserialize)]
pub struct NoticeForm {
    csrf: String,
    #[serde(default)]
    new_due: String,
    #[serde(default)]
    note: String,
}

pub async fn issue_page(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    FormBody(form): FormBody<NoticeForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let notice = issue(&state, &page.user, id, &form.new_due, &form.note).await?;
    Ok(Redirect::to(&format!("/notices/{}", notice.id)).into_response())
}

pub async fn list_page(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    let notices = visible_notices(&state, &page.user, None).await?;
    let html = state.render(
        "notices.html",
        serde_json::json!({ "frame": crate::pages::frame_json(&state, &page), "notices": notices }),
    )?;
    Ok(Html(html))
}

/// One notice as a printable official document.
pub async fn notice_page(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let notice =
        visible_notices(&state, &page.user, Some(id)).await?.into_iter().next().ok_or_else(AppError::not_found)?;
    let html = state
        .render("notice.html", serde_json::json!({ "frame": crate::pages::frame_json(&state, &page), "n": notice }))?;
    Ok(Html(html))
}

#[derive(Deserialize)]
pub struct ExtensionForm {
    csrf: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    reason: String,
}

pub async fn request_page(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    FormBody(form): FormBody<ExtensionForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    request(&state, &page.user, id, &form.due, &form.reason).await?;
    Ok(Redirect::to(&format!("/obligations/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    decision: String,
    #[serde(default)]
    note: String,
}

pub async fn decide_page(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    FormBody(form): FormBody<DecisionForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    decide(&state, &page.user, id, &form.decision, &form.note).await?;
    Ok(Redirect::to(&format!("/obligations/{id}")).into_response())
}

fn json(err: AppError) -> AppError {
    err.as_json()
}

pub async fn api_notices(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<Json<Vec<NoticeRow>>> {
    Ok(Json(visible_notices(&state, &user, None).await.map_err(json)?))
}

pub async fn api_notice(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> AppResult<Json<NoticeRow>> {
    let found = visible_notices(&state, &user, Some(id)).await.map_err(json)?;
    Ok(Json(found.into_iter().next().ok_or_else(|| AppError::not_found().as_json())?))
}

#[derive(Deserialize)]
pub struct NoticeBody {
    #[serde(default)]
    new_due: String,
    #[serde(default)]
    note: String,
}

pub async fn api_issue(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<NoticeBody>,
) -> AppResult<Json<NoticeRow>> {
    Ok(Json(issue(&state, &user, id, &body.new_due, &body.note).await.map_err(json)?))
}

pub async fn api_extensions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<ExtensionRow>>> {
    find_obligation(&state, &user, id).await.map_err(json)?;
    Ok(Json(state.store.extensions(id).await.map_err(|e| json(e.into()))?))
}

#[derive(Deserialize)]
pub struct ExtensionBody {
    due: String,
    reason: String,
}

pub async fn api_request(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<ExtensionBody>,
) -> AppResult<(axum::http::StatusCode, Json<serde_json::Value>)> {
    let request = request(&state, &user, id, &body.due, &body.reason).await.map_err(json)?;
    Ok((axum::http::StatusCode::CREATED, Json(serde_json::json!({ "extension": request, "status": "pending" }))))
}

pub async fn api_decide(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<DecisionForm>,
) -> AppResult<Json<serde_json::Value>> {
    decide(&state, &user, id, &body.decision, &body.note).await.map_err(json)?;
    let (o, _) = find_obligation(&state, &user, id).await.map_err(json)?;
    Ok(Json(serde_json::json!({ "due": o.due })))
}

/// What the unit was told lately (the web channel).
pub async fn api_inbox(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<gongkai_store::InboxRow>>> {
    let Some(unit) = auth::unit_scope(&user).map_err(json)? else {
        return Err(AppError::bad_request("收件箱按单位显示：请用本单位的账号").as_json());
    };
    Ok(Json(state.store.inbox(&unit, 200).await.map_err(|e| json(e.into()))?))
}
