//! The 网上巡查 pages: runs, one run, the 巡查通报, findings, one finding
//! with the unit's answer and the office's dismissal.

use crate::auth::PageUser;
use crate::error::{AppError, AppResult, FormBody};
use crate::page::{DOCX, download};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_app::inspection;
use gongkai_store::{FindingId, RunId, RunRow};
use serde::Deserialize;

/// The region the office's documents name.
const REGION: &str = "从化区";

pub fn run_json(r: &RunRow) -> serde_json::Value {
    serde_json::json!({
        "id": r.id, "as_of": r.as_of, "unit": r.unit, "status": r.status,
        "status_label": match r.status.as_str() { "done" => "已完成", "judging" => "汇总中", _ => "读取中" },
        "started_by": r.started_by, "started_at": r.started_at.to_rfc3339(),
        "columns": r.columns, "fetched": r.fetched, "failed": r.failed, "pages": r.pages,
        "found": r.found, "fixed": r.fixed,
    })
}

fn refused(err: AppError) -> Result<AppError, AppError> {
    if matches!(err.status.as_u16(), 400 | 409 | 413) { Ok(err) } else { Err(err) }
}

async fn runs_html(state: &AppState, page: &PageUser, error: &str) -> AppResult<String> {
    let runs = inspection::runs(state, &page.user).await?;
    let (_, open) = inspection::findings(state, &page.user, None, true).await?;
    let today = state.today();
    let units: Vec<String> = state.directory().await?.units().iter().map(|u| u.name.clone()).collect();
    let columns = state.store.inspectable(None).await?.len();
    state.render(
        "inspection/runs.html",
        serde_json::json!({
            "frame": crate::page::frame_json(state, page),
            "runs": runs.iter().map(run_json).collect::<Vec<_>>(),
            "open": open.len(),
            "overdue": open.iter().filter(|f| f.status == "open" && f.due_date < today).count(),
            "columns": columns, "units": units, "today": today.to_string(), "error": error,
        }),
    )
}

pub async fn runs(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    Ok(Html(runs_html(&state, &page, "").await?))
}

#[derive(Deserialize)]
pub struct StartForm {
    csrf: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    as_of: String,
}

/// 开始巡查: the run reads in the background; its page shows progress.
pub async fn start(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<StartForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let outcome = async {
        let as_of = gongkai_app::optional_date(&form.as_of, "巡查日")?.unwrap_or_else(|| state.today());
        let unit = Some(form.unit.trim()).filter(|u| !u.is_empty());
        inspection::begin(&state, &page.user, as_of, unit).await
    }
    .await;
    match outcome {
        Ok(run) => Ok(Redirect::to(&format!("/inspections/{run}")).into_response()),
        Err(err) => {
            let err = refused(AppError::from(err))?;
            Ok((err.status, Html(runs_html(&state, &page, &err.message).await?)).into_response())
        }
    }
}

pub async fn run(State(state): State<AppState>, page: PageUser, Path(id): Path<RunId>) -> AppResult<Html<String>> {
    inspection::runs(&state, &page.user).await?;
    let row = state.store.inspection_run(id).await.map_err(|_| AppError::not_found())?;
    let fetches = state.store.run_fetches(id).await?;
    let today = state.today();
    let (_, all) = inspection::findings(&state, &page.user, None, false).await?;
    let seen: Vec<_> = all.iter().filter(|f| f.last_run == id).map(|f| inspection::view(f, today)).collect();
    let fixed: Vec<_> = all.iter().filter(|f| f.closed_run == Some(id)).map(|f| inspection::view(f, today)).collect();
    let (previous, changes) =
        if row.status == "done" { inspection::changes(&state.store, id).await? } else { (None, Vec::new()) };
    Ok(Html(state.render(
        "inspection/run.html",
        serde_json::json!({
            "frame": crate::page::frame_json(&state, &page),
            "r": run_json(&row), "done": row.status == "done",
            "fetches": fetches.iter().map(|f| serde_json::json!({
                "url": f.url, "words": inspection::fetch_words(f), "pages": f.pages, "items": f.items,
                "millis": f.millis, "failed": f.error.is_some() || f.http_status.is_some_and(|s| s >= 400),
            })).collect::<Vec<_>>(),
            "seen": seen, "fixed": fixed, "changes": changes,
            "previous": previous.as_ref().map(run_json),
        }),
    )?))
}

#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    format: Option<String>,
}

/// 巡查通报 (.docx, or PDF with `format=pdf`).
pub async fn report(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<RunId>,
    Query(query): Query<ReportQuery>,
) -> AppResult<Response> {
    let pdf = match query.format.as_deref().unwrap_or("docx") {
        "docx" => false,
        "pdf" => true,
        other => return Err(AppError::bad_request(format!("格式“{other}”无效：可选 docx、pdf"))),
    };
    let as_of = state.store.inspection_run(id).await.map_err(|_| AppError::not_found())?.as_of;
    let document = inspection::report(&state, &page.user, id, REGION).await?;
    let bytes = gongkai_app::documents::render_bounded(document, pdf).await?;
    let (kind, ext) = if pdf { ("application/pdf", "pdf") } else { (DOCX, "docx") };
    Ok(download(bytes, &format!("{REGION}政务公开网上巡查情况通报（{as_of}）.{ext}"), kind))
}

/// Which findings a list shows (the page and the API).
#[derive(Deserialize, Default)]
pub struct FindingsQuery {
    #[serde(default)]
    pub unit: Option<String>,
    /// "all": closed ones too.
    #[serde(default)]
    pub show: Option<String>,
}

pub async fn findings(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<FindingsQuery>,
) -> AppResult<Html<String>> {
    let all = query.show.as_deref() == Some("all");
    let (unit, rows) = inspection::findings(&state, &page.user, query.unit.as_deref(), !all).await?;
    let today = state.today();
    let office = gongkai_app::access::manages(page.user.role);
    Ok(Html(state.render(
        "inspection/findings.html",
        serde_json::json!({
            "frame": crate::page::frame_json(&state, &page),
            "findings": rows.iter().map(|f| inspection::view(f, today)).collect::<Vec<_>>(),
            "office": office, "all": all, "unit": unit.unwrap_or_default(),
            "units": if office { state.directory().await?.units().iter().map(|u| u.name.clone()).collect() } else { Vec::new() },
        }),
    )?))
}

async fn finding_html(state: &AppState, page: &PageUser, id: FindingId, error: &str, typed: &str) -> AppResult<String> {
    let f = inspection::finding(state, &page.user, id).await?;
    let open = f.is_open();
    state.render(
        "inspection/finding.html",
        serde_json::json!({
            "frame": crate::page::frame_json(state, page),
            "f": inspection::view(&f, state.today()),
            "may_answer": open && page.user.unit.as_deref() == Some(f.unit.as_str()),
            "may_dismiss": open && gongkai_app::access::manages(page.user.role),
            "may_escalate": f.status == "open" && gongkai_app::access::manages(page.user.role),
            "suggested_due": state.today().checked_add_days(chrono::Days::new(7)).map(|d| d.to_string()).unwrap_or_default(),
            "error": error, "typed": typed,
        }),
    )
}

pub async fn finding(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<FindingId>,
) -> AppResult<Html<String>> {
    Ok(Html(finding_html(&state, &page, id, "", "").await?))
}

/// After an act on a finding: its page again, or the refusal on it with
/// what was typed kept.
async fn after_act(
    state: &AppState,
    page: &PageUser,
    id: FindingId,
    outcome: gongkai_app::Result<()>,
    typed: &str,
) -> AppResult<Response> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/findings/{id}")).into_response()),
        Err(err) => {
            let err = refused(AppError::from(err))?;
            Ok((err.status, Html(finding_html(state, page, id, &err.message, typed).await?)).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct TextForm {
    csrf: String,
    #[serde(default)]
    text: String,
}

/// 报告整改情况 (the unit).
pub async fn answer(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<FindingId>,
    FormBody(form): FormBody<TextForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let outcome = inspection::answer(&state, &page.user, id, &form.text).await;
    after_act(&state, &page, id, outcome, &form.text).await
}

#[derive(Deserialize)]
pub struct EscalateForm {
    csrf: String,
    #[serde(default)]
    seen_due: String,
    #[serde(default)]
    new_due: String,
    #[serde(default)]
    text: String,
}

/// 督办 (the office): a new deadline and a message to the unit.
pub async fn escalate(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<FindingId>,
    FormBody(form): FormBody<EscalateForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let outcome = async {
        let new_due = gongkai_app::optional_date(&form.new_due, "新的整改期限")?
            .ok_or_else(|| gongkai_app::Error::invalid("请填写新的整改期限"))?;
        let seen_due = gongkai_app::optional_date(&form.seen_due, "原整改期限")?
            .ok_or_else(|| gongkai_app::Error::invalid("表单缺少原整改期限，请刷新页面"))?;
        let asked = inspection::Escalation { seen_due, new_due, note: &form.text, today: state.today() };
        inspection::escalate(&state, &page.user, id, asked).await
    }
    .await;
    after_act(&state, &page, id, outcome, &form.text).await
}

/// 不予整改 (the office), with its reason.
pub async fn dismiss(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<FindingId>,
    FormBody(form): FormBody<TextForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let outcome = inspection::dismiss(&state, &page.user, id, &form.text).await;
    after_act(&state, &page, id, outcome, &form.text).await
}
