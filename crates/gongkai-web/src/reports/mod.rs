//! Reports as the pages and the API send them (multipart, read within
//! limits); the checks and the storing are `gongkai_app::reports`.
//!
//! May use: the shared pieces and `ledger`; `gongkai_app::reports`, `access`
//! and `files`.

pub mod api;
pub mod pages;

use crate::error::{AppError, AppResult};
use crate::routes::{Group, Routes};
use crate::state::AppState;
use gongkai_app::access::Access;
use gongkai_store::{ObligationId, ObligationRow, SubmissionId, User};

/// A report as sent: the fields of the form and its files.
pub struct ReportForm {
    /// Only the pages carry one; the API authenticates by bearer token.
    pub csrf: String,
    pub text: String,
    pub url: String,
    pub date: String,
    pub files: Vec<(String, Vec<u8>)>,
    /// "保留上次的附件" ticked.
    pub keep_files: bool,
}

/// Finds an obligation and what the user may do with it; one the user may
/// not see answers 404, as if it did not exist.
pub async fn find_obligation(state: &AppState, user: &User, id: ObligationId) -> AppResult<(ObligationRow, Access)> {
    Ok(gongkai_app::reports::find_obligation(state, user, id).await?)
}

/// Reads a multipart report (`text`, `published_url`, `evidence_date`,
/// `files`, and `csrf` from the pages), refusing one over the size limit.
/// 报送: text, the address where something was published, the date the
/// evidence refers to, and files. Everything is checked before anything is
/// stored.
pub async fn read_form(state: &AppState, mut form: axum::extract::Multipart) -> AppResult<ReportForm> {
    use gongkai_domain::input;
    let too_large = || {
        AppError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            format!("上传内容超过 {} MB 上限，未保存任何内容", state.max_upload / (1024 * 1024)),
        )
    };
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::bad_request("上传中断或表单不完整，请重试")
        }
    };
    let (mut csrf, mut text, mut url, mut date) = (String::new(), String::new(), String::new(), String::new());
    let mut keep_files = false;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(file_name) = field.file_name().map(str::to_string) {
            if name != "files" {
                continue;
            }
            let bytes = field.bytes().await.map_err(broken)?;
            if bytes.is_empty() && file_name.is_empty() {
                continue;
            }
            if files.len() >= input::MAX_FILES_PER_REPORT {
                return Err(AppError::bad_request(format!(
                    "一次报送最多附 {} 个文件，未保存任何内容",
                    input::MAX_FILES_PER_REPORT
                )));
            }
            files.push((input::FILE_NAME.clean(&file_name)?, bytes.to_vec()));
            continue;
        }
        // A text field is read only up to what its longest value can take.
        let field_kind = match name.as_str() {
            "text" => input::REPORT_TEXT,
            "published_url" => input::URL,
            _ => input::VALUE,
        };
        let mut value = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(broken)? {
            value.extend_from_slice(&chunk);
            if value.len() > field_kind.max_chars * 4 + 1024 {
                return Err(AppError::bad_request(format!("{}不能超过 {} 字", field_kind.label, field_kind.max_chars)));
            }
        }
        let value = field_kind.clean(&String::from_utf8_lossy(&value))?;
        match name.as_str() {
            "csrf" => csrf = value,
            "text" => text = value.trim().to_string(),
            "published_url" => url = value,
            "evidence_date" => date = value,
            "keep_files" => keep_files = value == "1",
            _ => {}
        }
    }
    Ok(ReportForm { csrf, text, url, date, files, keep_files })
}

/// Checks a report against the user's rights and its own content, stores
/// its files, then records it (`gongkai_app::reports::file_report`).
pub async fn file_report(state: &AppState, user: &User, id: ObligationId, form: ReportForm) -> AppResult<SubmissionId> {
    let ReportForm { text, url, date, files, keep_files, .. } = form;
    let report = gongkai_app::reports::NewReport { text, url, date, files, keep_files };
    Ok(gongkai_app::reports::file_report(state, user, id, report).await?)
}

/// Decides on the latest report (`gongkai_app::reports::decide`).
pub async fn decide(state: &AppState, user: &User, id: ObligationId, decision: &str, reason: &str) -> AppResult<()> {
    Ok(gongkai_app::reports::decide(state, user, id, decision, reason).await?)
}

pub fn routes(routes: Routes) -> Routes {
    let evidence = routes.evidence_request_bytes();
    routes
        .get(Group::Pages, "/obligations/{id}", pages::obligation)
        .upload(Group::Pages, "/obligations/{id}/submit", pages::submit, evidence)
        .post(Group::Pages, "/obligations/{id}/review", pages::review)
        .post(Group::Pages, "/obligations/{id}/public", pages::make_public)
        .get(Group::Pages, "/files/{id}", pages::download)
        .get(Group::Pages, "/review", pages::review_queue)
        .post(Group::Pages, "/review/accept", pages::accept_all)
        .post(Group::Api, "/api/v1/reviews/accept", api::accept_all)
        .get(Group::Api, "/api/v1/obligations/{id}/submissions", api::submissions)
        .upload(Group::Api, "/api/v1/obligations/{id}/submissions", api::submit, evidence)
        .post(Group::Api, "/api/v1/obligations/{id}/review", api::review)
}
