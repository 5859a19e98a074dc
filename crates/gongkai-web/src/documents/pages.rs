//! The papers offices file: the 台账 workbook, a unit's 自查报告 (edited,
//! signed and reported in the browser) and the office's 通报 (assembled by
//! `gongkai_app::documents` and `self_inspection`).

use crate::auth::{self, PageUser};
use crate::error::{AppError, AppResult, FormBody};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_app::documents::{bounded, bulletin, ledger_lines, render_bounded};
use serde::Deserialize;

use crate::page::{DOCX, XLSX, download};

#[derive(Deserialize)]
pub struct DocumentQuery {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    year: Option<i32>,
    /// docx (default) or pdf.
    #[serde(default)]
    format: Option<String>,
}

impl DocumentQuery {
    fn pdf(&self) -> AppResult<bool> {
        match self.format.as_deref().unwrap_or("docx") {
            "docx" => Ok(false),
            "pdf" => Ok(true),
            other => Err(AppError::bad_request(format!("格式“{other}”无效：可选 docx、pdf"))),
        }
    }

    async fn year(&self, state: &AppState) -> AppResult<i32> {
        Ok(gongkai_app::assessment::year_or_latest(state, self.year).await?)
    }
}

/// The 台账 workbook: a unit's staff get their own unit's.
/// 导出 Excel: exactly the rows the 台账's filters select (its query string),
/// within the caller's scope.
pub async fn ledger_download(
    State(state): State<AppState>,
    page: PageUser,
    Query(mut query): Query<crate::ledger::LedgerQuery>,
) -> AppResult<Response> {
    query.resolve_unit(&state).await?;
    const MOST: usize = 100_000;
    let scope = auth::unit_scope(&page.user)?;
    let tasks = query.tasks_needed(&state).await?;
    let Ok(unit) = query.unit_for(&page.user)? else {
        return Err(AppError::not_found());
    };
    let filter =
        gongkai_store::ObligationFilter { unit, limit: Some(MOST as i64 + 1), ..query.filter(&tasks, state.today())? };
    let lines = ledger_lines(&state.store, &filter, state.today()).await?;
    if lines.len() > MOST {
        return Err(AppError::bad_request("筛选结果超过 10 万条，请先按单位、日期等缩小范围再导出"));
    }
    let bytes = bounded(move || gongkai_io::out::ledger_xlsx(&lines).map_err(|e| e.to_string())).await?;
    let name = format!("{}台账（{}）.xlsx", scope.as_deref().unwrap_or("政务公开"), state.today());
    Ok(download(bytes, &name, XLSX))
}

/// 自查报告: a unit's staff for their own unit, the region's roles for any.
pub async fn self_inspection_download(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<DocumentQuery>,
) -> AppResult<Response> {
    let pdf = query.pdf()?;
    let year = query.year(&state).await?;
    let opened = gongkai_app::self_inspection::open(&state, &page.user, query.unit.as_deref(), year).await?;
    let document = opened.document;
    let name = format!("{}.{}", document.title, if pdf { "pdf" } else { "docx" });
    let bytes = render_bounded(document, pdf).await?;
    Ok(download(bytes, &name, if pdf { "application/pdf" } else { DOCX }))
}

/// The office's 通报 (the region's roles).
pub async fn bulletin_download(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<DocumentQuery>,
) -> AppResult<Response> {
    if !auth::sees_region(page.user.role) {
        return Err(AppError::forbidden());
    }
    let pdf = query.pdf()?;
    let year = query.year(&state).await?;
    let document = bulletin(&state, year, state.today()).await?;
    let name = format!("{}.{}", document.title, if pdf { "pdf" } else { "docx" });
    let bytes = render_bounded(document, pdf).await?;
    Ok(download(bytes, &name, if pdf { "application/pdf" } else { DOCX }))
}

#[derive(Deserialize)]
pub struct SelfInspectionQuery {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    year: Option<i32>,
}

/// What the unit typed, shown again with what is wrong.
#[derive(Default, serde::Serialize)]
struct Typed {
    problems: String,
    next_steps: String,
    error: String,
}

/// The 自查报告 in the browser: the assembled sections, the unit's two
/// parts to edit, the head's 签发 and the 报送.
async fn self_inspection_html(
    state: &AppState,
    page: &PageUser,
    unit: Option<&str>,
    year: Option<i32>,
    typed: Option<Typed>,
) -> AppResult<String> {
    let year = gongkai_app::assessment::year_or_latest(state, year).await?;
    let region = auth::unit_scope(&page.user)?.is_none();
    let unit = unit.filter(|u| !u.is_empty());
    if region && unit.is_none() {
        // The region's roles choose a unit first.
        let units: Vec<String> = state.store.directory().await?.units().iter().map(|u| u.name.clone()).collect();
        return state.render(
            "documents/self_inspection.html",
            serde_json::json!({
                "frame": crate::page::frame_json(state, page), "choose": true,
                "title": format!("{year}年各单位自查报告"), "year": year, "units": units, "unit": "",
            }),
        );
    }
    let report = gongkai_app::self_inspection::open(state, &page.user, unit, year).await?;
    let sections: Vec<serde_json::Value> = report
        .document
        .sections
        .iter()
        .map(|s| {
            let blocks: Vec<serde_json::Value> = s
                .blocks
                .iter()
                .map(|b| match b {
                    gongkai_io::out::Block::Paragraph(text) | gongkai_io::out::Block::Addressee(text) => {
                        serde_json::json!({ "kind": "paragraph", "text": text })
                    }
                    gongkai_io::out::Block::Subheading(text) => {
                        serde_json::json!({ "kind": "subheading", "text": text })
                    }
                    gongkai_io::out::Block::Table { header, rows } => {
                        serde_json::json!({ "kind": "table", "header": header, "rows": rows })
                    }
                })
                .collect();
            serde_json::json!({ "heading": s.heading, "blocks": blocks })
        })
        .collect();
    let typed = typed.unwrap_or_else(|| Typed {
        problems: report.draft.problems.clone(),
        next_steps: report.draft.next_steps.clone(),
        error: String::new(),
    });
    let units = if region {
        state.store.directory().await?.units().iter().map(|u| u.name.clone()).collect()
    } else {
        Vec::new()
    };
    state.render(
        "documents/self_inspection.html",
        serde_json::json!({
            "frame": crate::page::frame_json(state, page),
            "choose": false, "unit": report.unit, "year": year, "units": units,
            "title": report.document.title, "sections": sections, "signature": report.document.signature,
            "draft": report.draft, "typed": typed,
            "targets": report.targets.iter().map(|r| serde_json::json!({
                "id": r.o.id, "task_seq": r.o.task_seq, "milestone": r.o.milestone, "when": r.when, "status": r.status_label,
            })).collect::<Vec<_>>(),
            "may_edit": report.may_edit, "may_sign": report.may_sign, "may_submit": report.may_submit,
            "max_chars": gongkai_app::self_inspection::MAX_WRITTEN_CHARS,
        }),
    )
}

pub async fn self_inspection_page(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<SelfInspectionQuery>,
) -> AppResult<Html<String>> {
    Ok(Html(self_inspection_html(&state, &page, query.unit.as_deref(), query.year, None).await?))
}

#[derive(Deserialize)]
pub struct SelfInspectionForm {
    csrf: String,
    year: i32,
    #[serde(default)]
    revision: i32,
    #[serde(default)]
    problems: String,
    #[serde(default)]
    next_steps: String,
}

fn back(year: i32) -> Response {
    Redirect::to(&format!("/self-inspection?year={year}")).into_response()
}

/// 保存: the unit's two parts; a refused save shows the page again with
/// what was typed.
pub async fn save_self_inspection(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<SelfInspectionForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let saved = gongkai_app::self_inspection::save(
        &state,
        &page.user,
        form.year,
        form.revision,
        &form.problems,
        &form.next_steps,
    )
    .await;
    match saved {
        Ok(_) => Ok(back(form.year)),
        Err(err) => {
            let err = AppError::from(err);
            if !matches!(err.status.as_u16(), 400 | 409) {
                return Err(err);
            }
            let typed = Typed { problems: form.problems, next_steps: form.next_steps, error: err.message.clone() };
            let html = self_inspection_html(&state, &page, None, Some(form.year), Some(typed)).await?;
            Ok((err.status, Html(html)).into_response())
        }
    }
}

/// 签发: the unit head signs the revision on their screen.
pub async fn sign_self_inspection(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<SelfInspectionForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    gongkai_app::self_inspection::sign(&state, &page.user, form.year, form.revision).await?;
    Ok(back(form.year))
}

/// 报送: the signed report on the year's "纳入自查报告" obligations.
pub async fn submit_self_inspection(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<SelfInspectionForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    gongkai_app::self_inspection::submit(&state, &page.user, form.year).await?;
    Ok(back(form.year))
}
