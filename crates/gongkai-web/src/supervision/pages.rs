use super::*;
use crate::auth::PageUser;
use crate::error::{AppError, AppResult, FormBody};
use crate::page::Pager;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
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

#[derive(Deserialize)]
pub struct ListQuery {
    /// The page of the notices (or the 延期 requests).
    #[serde(default)]
    page: Option<i64>,
    /// The page of the drafts.
    #[serde(default)]
    drafts: Option<i64>,
}

/// 督办通知: the notices the user may read; for the office, above them,
/// the rule's drafts waiting to be issued or set aside. Both page.
pub async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let (notices_at, drafts_at) = (Pager::new(query.page), Pager::new(query.drafts));
    let (notices, notice_count) =
        gongkai_app::supervision::notices_page(&state, &page.user, notices_at.offset(), notices_at.limit()).await?;
    let office = page.user.role == gongkai_domain::people::Role::Office;
    let (drafts, draft_count) = if office {
        gongkai_app::supervision::drafts_page(&state, &page.user, drafts_at.offset(), drafts_at.limit()).await?
    } else {
        (Vec::new(), 0)
    };
    let link = |notices: i64, drafts: i64| format!("/notices?page={notices}&drafts={drafts}");
    let html = state.render(
        "supervision/notices.html",
        serde_json::json!({
            "frame": crate::page::frame_json(&state, &page),
            "notices": notices,
            "notice_count": notice_count,
            "notice_paging": notices_at.view(notice_count, |n| link(n, drafts_at.number) + "#issued"),
            "drafts": drafts,
            "draft_count": draft_count,
            "draft_paging": drafts_at.view(draft_count, |n| link(notices_at.number, n)),
            "office": office,
        }),
    )?;
    Ok(Html(html))
}

/// 一键催办 from a list: the form holds the CSRF token and one `o` field
/// per selected row.
pub async fn urge(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<Vec<(String, String)>>,
) -> AppResult<Html<String>> {
    let ids: Vec<ObligationId> = crate::page::ticked(&page, &form, "o", "任务编号")?;
    let urged = gongkai_app::supervision::urge(&state, &page.user, &ids).await?;
    let html = state.render(
        "supervision/urged.html",
        serde_json::json!({ "frame": crate::page::frame_json(&state, &page), "urged": urged }),
    )?;
    Ok(Html(html))
}

/// 延期: the requests waiting for the office, then those answered lately;
/// each links to its obligation, where the answer is given.
pub async fn extensions(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let at = Pager::new(query.page);
    let list = gongkai_app::supervision::extension_list(&state, &page.user, at.offset(), at.limit()).await?;
    let pending = state.store.pending_extension_count().await?;
    let total = state.store.extension_count().await?;
    let html = state.render(
        "supervision/extensions.html",
        serde_json::json!({
            "frame": crate::page::frame_json(&state, &page), "list": list, "pending": pending, "total": total,
            "paging": at.view(total, |n| format!("/extensions?page={n}")),
        }),
    )?;
    Ok(Html(html))
}

/// One draft, to change its deadline and wording before it is issued.
pub async fn draft(State(state): State<AppState>, page: PageUser, Path(id): Path<i64>) -> AppResult<Html<String>> {
    let draft = gongkai_app::supervision::drafts(&state, &page.user)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(AppError::not_found)?;
    let html = state.render(
        "supervision/draft.html",
        serde_json::json!({ "frame": crate::page::frame_json(&state, &page), "d": draft, "today": state.today() }),
    )?;
    Ok(Html(html))
}

pub async fn issue_draft(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    FormBody(form): FormBody<NoticeForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let notice = gongkai_app::supervision::issue_draft(&state, &page.user, id, &form.new_due, &form.note).await?;
    Ok(Redirect::to(&format!("/notices/{}", notice.id)).into_response())
}

#[derive(Deserialize)]
pub struct DismissForm {
    csrf: String,
    #[serde(default)]
    note: String,
}

pub async fn dismiss_draft(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    FormBody(form): FormBody<DismissForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    gongkai_app::supervision::dismiss_draft(&state, &page.user, id, &form.note).await?;
    Ok(Redirect::to("/notices").into_response())
}

/// 一键督办: the form holds the CSRF token and one `draft` field per
/// selected row.
pub async fn issue_drafts(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<Vec<(String, String)>>,
) -> AppResult<Html<String>> {
    let drafts: Vec<i64> = crate::page::ticked(&page, &form, "draft", "督办草稿编号")?;
    if drafts.is_empty() {
        return Err(AppError::bad_request("请先勾选要督办的事项"));
    }
    let batch = gongkai_app::supervision::issue_drafts(&state, &page.user, &drafts).await?;
    let html = state.render(
        "supervision/batch.html",
        serde_json::json!({ "frame": crate::page::frame_json(&state, &page), "batch": batch }),
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
