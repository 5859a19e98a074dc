use super::*;
use crate::auth::{self, ApiUser, TokenUser};
use crate::error::{AppError, AppResult, JsonBody};
use crate::reports::find_obligation;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use gongkai_app::supervision::Batch;
use gongkai_store::{DraftRow, ExtensionRow, NoticeRow, ObligationId};
use serde::Deserialize;

pub async fn notices(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<Json<Vec<NoticeRow>>> {
    Ok(Json(super::visible_notices(&state, &user, None).await?))
}

pub async fn notice(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> AppResult<Json<NoticeRow>> {
    let found = super::visible_notices(&state, &user, Some(id)).await?;
    Ok(Json(found.into_iter().next().ok_or_else(AppError::not_found)?))
}

#[derive(Deserialize)]
pub struct NoticeBody {
    #[serde(default)]
    new_due: String,
    #[serde(default)]
    note: String,
}

pub async fn issue(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<ObligationId>,
    JsonBody(body): JsonBody<NoticeBody>,
) -> AppResult<Json<NoticeRow>> {
    Ok(Json(super::issue(&state, &user, id, &body.new_due, &body.note).await?))
}

#[derive(Deserialize)]
pub struct UrgeBody {
    #[serde(default)]
    obligations: Vec<ObligationId>,
}

/// 一键催办: `{"obligations": [ids]}`.
pub async fn urge(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    JsonBody(body): JsonBody<UrgeBody>,
) -> AppResult<Json<gongkai_app::supervision::Urged>> {
    Ok(Json(gongkai_app::supervision::urge(&state, &user, &body.obligations).await?))
}

/// The office's 延期 list: waiting requests first, then the latest answered
/// (the first 500).
pub async fn extension_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<gongkai_store::ExtensionListRow>>> {
    Ok(Json(gongkai_app::supervision::extension_list(&state, &user, 0, 500).await?))
}

/// The rule's 督办 drafts waiting for the office.
pub async fn drafts(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<Json<Vec<DraftRow>>> {
    Ok(Json(gongkai_app::supervision::drafts(&state, &user).await?))
}

pub async fn issue_draft(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<NoticeBody>,
) -> AppResult<Json<NoticeRow>> {
    Ok(Json(gongkai_app::supervision::issue_draft(&state, &user, id, &body.new_due, &body.note).await?))
}

#[derive(Deserialize)]
pub struct DismissBody {
    #[serde(default)]
    note: String,
}

pub async fn dismiss_draft(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<DismissBody>,
) -> AppResult<Json<serde_json::Value>> {
    gongkai_app::supervision::dismiss_draft(&state, &user, id, &body.note).await?;
    Ok(Json(serde_json::json!({ "draft": id, "status": "dismissed" })))
}

#[derive(Deserialize)]
pub struct BatchBody {
    #[serde(default)]
    drafts: Vec<i64>,
}

/// 一键督办: `{"drafts": [ids]}`, each issued with its proposed deadline.
pub async fn issue_drafts(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    JsonBody(body): JsonBody<BatchBody>,
) -> AppResult<Json<Batch>> {
    Ok(Json(gongkai_app::supervision::issue_drafts(&state, &user, &body.drafts).await?))
}

pub async fn extensions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<ObligationId>,
) -> AppResult<Json<Vec<ExtensionRow>>> {
    find_obligation(&state, &user, id).await?;
    Ok(Json(state.store.extensions(id).await?))
}

#[derive(Deserialize)]
pub struct ExtensionBody {
    due: String,
    reason: String,
}

pub async fn request(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<ObligationId>,
    JsonBody(body): JsonBody<ExtensionBody>,
) -> AppResult<(axum::http::StatusCode, Json<serde_json::Value>)> {
    let request = super::request(&state, &user, id, &body.due, &body.reason).await?;
    Ok((axum::http::StatusCode::CREATED, Json(serde_json::json!({ "extension": request, "status": "pending" }))))
}

pub async fn decide(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<ObligationId>,
    JsonBody(body): JsonBody<DecisionForm>,
) -> AppResult<Json<serde_json::Value>> {
    super::decide(&state, &user, id, &body.decision, &body.note).await?;
    let (o, _) = find_obligation(&state, &user, id).await?;
    Ok(Json(serde_json::json!({ "due": o.due })))
}

/// What the unit was told lately (the web channel).
pub async fn inbox(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<gongkai_store::InboxRow>>> {
    let Some(unit) = auth::unit_scope(&user)? else {
        return Err(AppError::bad_request("收件箱按单位显示：请用本单位的账号"));
    };
    Ok(Json(state.store.inbox(&unit, 200).await?))
}
