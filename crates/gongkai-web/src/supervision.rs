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
use gongkai_store::{ExtensionRow, NoticeRow, User};
use serde::Deserialize;

/// The office issues a 督办通知 for an obligation: a new deadline (by default
/// the plan's number of working days from today) and a note.
pub async fn issue(state: &AppState, user: &User, id: i64, new_due: &str, note: &str) -> AppResult<NoticeRow> {
    Ok(gongkai_app::supervision::issue(state, user, id, new_due, note).await?)
}

/// A unit asks for a later due date.
pub async fn request(state: &AppState, user: &User, id: i64, due: &str, reason: &str) -> AppResult<i64> {
    Ok(gongkai_app::supervision::request(state, user, id, due, reason).await?)
}

/// The office grants or refuses.
pub async fn decide(state: &AppState, user: &User, id: i64, decision: &str, note: &str) -> AppResult<()> {
    Ok(gongkai_app::supervision::decide(state, user, id, decision, note).await?)
}

/// Notices the user may read: a unit's own, or all for the region's roles.
async fn visible_notices(state: &AppState, user: &User, id: Option<i64>) -> AppResult<Vec<NoticeRow>> {
    Ok(gongkai_app::supervision::visible_notices(state, user, id).await?)
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
