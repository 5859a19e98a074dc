//! Downloads of the papers offices file: the 台账 workbook, a unit's 自查报告
//! and the office's 通报 (assembled and laid out by `gongkai_app::documents`).

use crate::auth::{self, PageUser};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use gongkai_app::documents::{bounded, bulletin, ledger_lines, render_bounded, self_inspection};
use serde::Deserialize;

fn download(bytes: Vec<u8>, name: &str, content_type: &'static str) -> Response {
    let disposition =
        format!("attachment; filename=\"download\"; filename*=UTF-8''{}", crate::ledger::percent_encode(name));
    ([(CONTENT_TYPE, content_type.to_string()), (CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

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
    Query(query): Query<crate::ledger::LedgerQuery>,
) -> AppResult<Response> {
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
    Ok(download(bytes, &name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
}

/// 自查报告: a unit's staff for their own unit, the region's roles for any.
pub async fn self_inspection_download(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<DocumentQuery>,
) -> AppResult<Response> {
    let unit = match (auth::unit_scope(&page.user)?, query.unit.as_deref().filter(|u| !u.is_empty())) {
        (Some(own), Some(asked)) if state.store.directory().await?.find(asked).map(|u| &u.name) != Some(&own) => {
            return Err(AppError::not_found());
        }
        (Some(own), _) => own,
        (None, Some(asked)) => asked.to_string(),
        (None, None) => return Err(AppError::bad_request("请选择单位")),
    };
    let pdf = query.pdf()?;
    let year = query.year(&state).await?;
    let document = self_inspection(&state.store, &unit, year, state.today()).await?;
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
