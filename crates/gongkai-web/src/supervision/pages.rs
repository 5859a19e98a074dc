use super::*;
use crate::auth::PageUser;
use crate::error::{AppError, AppResult, FormBody};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_store::ObligationId;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct NoticeForm {
    csrf: String,
    #[serde(default)]
    new_due: String,
    #[serde(default)]
    note: String,
}

pub async fn issue(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<ObligationId>,
    FormBody(form): FormBody<NoticeForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let notice = super::issue(&state, &page.user, id, &form.new_due, &form.note).await?;
    Ok(Redirect::to(&format!("/notices/{}", notice.id)).into_response())
}

pub async fn list(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    let notices = super::visible_notices(&state, &page.user, None).await?;
    let html = state.render(
        "supervision/notices.html",
        serde_json::json!({ "frame": crate::page::frame_json(&state, &page), "notices": notices }),
    )?;
    Ok(Html(html))
}

/// One notice as a printable official document.
pub async fn notice(State(state): State<AppState>, page: PageUser, Path(id): Path<i64>) -> AppResult<Html<String>> {
    let notice = super::visible_notices(&state, &page.user, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(AppError::not_found)?;
    let html = state.render(
        "supervision/notice.html",
        serde_json::json!({ "frame": crate::page::frame_json(&state, &page), "n": notice }),
    )?;
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

pub async fn request(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<ObligationId>,
    FormBody(form): FormBody<ExtensionForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    super::request(&state, &page.user, id, &form.due, &form.reason).await?;
    Ok(Redirect::to(&format!("/obligations/{id}")).into_response())
}

pub async fn decide(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<ObligationId>,
    FormBody(form): FormBody<DecisionForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    super::decide(&state, &page.user, id, &form.decision, &form.note).await?;
    Ok(Redirect::to(&format!("/obligations/{id}")).into_response())
}
