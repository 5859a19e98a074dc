//! One obligation's page with its reports, 报送, 审核 and 签发, making a report's
//! text public, evidence downloads, and the 审核 queue.

use crate::auth::{self, PageUser};
use crate::error::{AppError, AppResult, FormBody};
use crate::ledger::{self};
use crate::page::frame;
use crate::reports;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_domain::status::ObligationStatus;
use gongkai_store::{ObligationFilter, ObligationId, SubmissionId};
use serde::Deserialize;

pub async fn obligation(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<ObligationId>,
) -> AppResult<Html<String>> {
    Ok(Html(obligation_page(&state, &page, id, None).await?))
}

/// What was typed into the 报送 form, shown again with what is wrong.
struct Typed {
    text: String,
    url: String,
    date: String,
    error: String,
}

/// The obligation's page; after a refused 报送, with the typed values kept
/// and the message beside the form. A returned report's reason leads the
/// page, and the form starts from the report returned.
async fn obligation_page(
    state: &AppState,
    page: &PageUser,
    id: ObligationId,
    typed: Option<Typed>,
) -> AppResult<String> {
    let (o, access) = reports::find_obligation(state, &page.user, id).await?;
    let tasks = state.tasks().await?;
    let task = tasks.iter().find(|t| t.id == o.task_id);
    let submissions = state.store.submissions(id).await?;
    let extensions = state.store.extensions(id).await?;
    let notices: Vec<gongkai_store::NoticeRow> =
        state.store.notices(Some(&o.unit), None).await?.into_iter().filter(|n| n.obligation_id == id).collect();
    let returned = o.status == ObligationStatus::Returned;
    let open = o.status.is_open();
    let office = page.user.role == gongkai_domain::people::Role::Office;
    let pending_extension = extensions.iter().any(|e| e.status == "pending");
    // The latest report and, when it was returned, why.
    let latest = submissions.first();
    let returned_because = latest
        .filter(|_| returned)
        .and_then(|s| s.reviews.iter().rev().find(|r| r.decision == "returned"))
        .map(|r| serde_json::json!({ "reason": r.reason, "by": r.reviewer, "at": r.reviewed_at }));
    let form = match (&typed, latest.filter(|_| returned)) {
        (Some(t), _) => serde_json::json!({ "text": t.text, "url": t.url, "date": t.date, "error": t.error }),
        (None, Some(s)) => serde_json::json!({
            "text": s.text, "url": s.published_url, "date": s.evidence_date, "error": null,
        }),
        (None, None) => serde_json::json!({ "text": "", "url": "", "date": "", "error": null }),
    };
    let previous_files = latest.filter(|_| returned).map(|s| s.attachments.len()).unwrap_or(0);
    let html = state.render(
        "reports/obligation.html",
        serde_json::json!({
            "frame": frame(state, page), "task": task, "submissions": submissions,
            "returned_because": returned_because, "form": form, "previous_files": previous_files,
            "may_submit": access.may_submit(&o), "may_sign": access.may_sign(&o), "may_review": access.may_review(&o),
            "may_publish": access.review,
            "max_mb": state.max_upload / (1024 * 1024), "returned": returned,
            "extensions": extensions, "notices": notices,
            "may_request_extension": access.submit && o.due.is_some() && o.status != ObligationStatus::Accepted && !pending_extension,
            "may_decide_extension": office && pending_extension,
            "may_issue_notice": office && open && o.due.is_some_and(|d| d < state.today()),
            "o": ledger::row(o, state.today()),
        }),
    )?;
    Ok(html)
}

/// 报送 from the page: the form's CSRF token, then the shared checks.
pub async fn submit(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<ObligationId>,
    form: axum::extract::Multipart,
) -> AppResult<Response> {
    let form = reports::read_form(&state, form).await?;
    page.check_csrf(&form.csrf)?;
    let (text, url, date) = (form.text.clone(), form.url.clone(), form.date.clone());
    let typed = |error: String| Typed { text, url, date, error };
    match reports::file_report(&state, &page.user, id, form).await {
        Ok(_) => Ok(Redirect::to(&format!("/obligations/{id}")).into_response()),
        // What is wrong with the form: the page again, with the typed text kept.
        Err(err) if matches!(err.status.as_u16(), 400 | 413) => {
            let status = err.status;
            let html = obligation_page(&state, &page, id, Some(typed(err.message))).await?;
            Ok((status, Html(html)).into_response())
        }
        Err(err) => Err(err),
    }
}

#[derive(Deserialize)]
pub struct ReviewForm {
    csrf: String,
    decision: String,
    #[serde(default)]
    reason: String,
}

/// 审核: accept, or return with a reason; for a unit head, 签发 or return.
pub async fn review(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<ObligationId>,
    FormBody(form): FormBody<ReviewForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    reports::decide(&state, &page.user, id, &form.decision, &form.reason).await?;
    Ok(Redirect::to(&format!("/obligations/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct PublicForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    submission: SubmissionId,
    #[serde(default)]
    public: Option<String>,
}

/// A reviewer makes an accepted report's text public on the public pages.
pub async fn make_public(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<ObligationId>,
    FormBody(form): FormBody<PublicForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let (_, access) = reports::find_obligation(&state, &page.user, id).await?;
    if !access.review {
        return Err(AppError::forbidden());
    }
    let belongs = state.store.submissions(id).await?.iter().any(|s| s.id == form.submission);
    if !belongs {
        return Err(AppError::not_found());
    }
    state.store.set_submission_public(form.submission, form.public.as_deref() == Some("1"), &page.user.login).await?;
    Ok(Redirect::to(&format!("/obligations/{id}")).into_response())
}

/// A file, to whoever may see the obligation it belongs to.
#[derive(Deserialize)]
pub struct FileQuery {
    /// 1: shown in the browser (PDF, pictures); otherwise downloaded.
    #[serde(default)]
    view: Option<String>,
}

/// An attachment, to whoever may see its obligation: PDF and pictures shown
/// in the browser when asked (`?view=1`), everything else downloaded.
pub async fn download(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Query(query): Query<FileQuery>,
) -> AppResult<Response> {
    let (file, obligation_id) = state.store.attachment(id).await?.ok_or_else(AppError::not_found)?;
    reports::find_obligation(&state, &page.user, obligation_id).await?;
    let bytes = gongkai_app::files::read(&state.files_dir, &file.sha256)
        .map_err(|e| AppError::internal(format!("reading a file: {e}")))?;
    let shown = query.view.as_deref() == Some("1") && gongkai_app::files::previewable(&file.content_type);
    let disposition = format!(
        "{}; filename=\"file\"; filename*=UTF-8''{}",
        if shown { "inline" } else { "attachment" },
        ledger::percent_encode(&file.file_name)
    );
    Ok(([(CONTENT_TYPE, file.content_type), (axum::http::header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

/// 批量通过 from the 审核 list: the form holds the CSRF token and one `o`
/// field per ticked report.
pub async fn accept_all(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<Vec<(String, String)>>,
) -> AppResult<Html<String>> {
    let ids: Vec<ObligationId> = crate::page::ticked(&page, &form, "o", "任务编号")?;
    let done = gongkai_app::reports::accept_all(&state, &page.user, &ids).await?;
    let html =
        state.render("reports/accepted.html", serde_json::json!({ "frame": frame(&state, &page), "done": done }))?;
    Ok(Html(html))
}

#[derive(Deserialize)]
pub struct ReviewQuery {
    #[serde(default)]
    page: Option<i64>,
}

/// 审核: reports waiting for the user's 签发 (a head) and 审核 (reviewers),
/// due first; the reviewer's list pages.
pub async fn review_queue(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<ReviewQuery>,
) -> AppResult<Html<String>> {
    let directory = state.directory().await?;
    // Only work with a report waiting can be in the queue.
    let mut all = Vec::new();
    for status in [ObligationStatus::Submitted, ObligationStatus::Signed] {
        let waiting = ObligationFilter { status: Some(status), ..Default::default() };
        all.extend(state.store.obligations(&waiting).await?);
    }
    all.sort_by_key(|o| (o.due.is_none(), o.due, o.task_seq, o.id));
    let today = state.today();
    let (mut to_sign, mut to_review) = (Vec::new(), Vec::new());
    for o in all {
        let access = auth::access(&page.user, &o, &directory);
        if access.may_sign(&o) {
            to_sign.push(ledger::row(o, today));
        } else if access.may_review(&o) {
            to_review.push(ledger::row(o, today));
        }
    }
    let at = crate::page::Pager::new(query.page);
    let total = to_review.len() as i64;
    let shown: Vec<_> = to_review.into_iter().skip(at.offset() as usize).take(at.limit() as usize).collect();
    let html = state.render(
        "reports/review.html",
        serde_json::json!({
            "frame": frame(&state, &page), "rows": shown, "total": total, "to_sign": to_sign,
            "paging": at.view(total, |n| format!("/review?page={n}")),
        }),
    )?;
    Ok(Html(html))
}
