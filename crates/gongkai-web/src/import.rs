//! 导入 from the browser and the API: upload a .docx/.xlsx/.txt list, see how
//! every row was understood and every problem at its row and cell, then
//! confirm. The file waits in the content-addressed store between the two
//! steps, so the confirmed import is exactly the previewed file.

use crate::auth::{self, PageUser, TokenUser};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Datelike;
use gongkai_domain::plan::{Understanding, understand};
use gongkai_store::{ImportReport, User};
use serde::{Deserialize, Serialize};

/// An import request: a task list at most, and the form around it.
pub const MAX_REQUEST_BYTES: usize = gongkai_io::limits::MAX_LIST_BYTES + 64 * 1024;

/// The upload, or the reference to one already previewed.
#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub file_name: String,
    /// Set when confirming: where the previewed file is kept.
    #[serde(default)]
    pub sha256: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub region: String,
    /// "1" to save after a clean preview.
    #[serde(default)]
    pub commit: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

#[derive(Debug, Serialize)]
pub struct Outcome {
    pub file_name: String,
    pub sha256: String,
    pub title: String,
    pub region: String,
    pub year: i32,
    pub understanding: Understanding,
    /// Present once saved.
    pub saved: Option<ImportReport>,
}

async fn read(mut multipart: Multipart) -> AppResult<ImportForm> {
    let mut form = ImportForm::default();
    while let Some(field) =
        multipart.next_field().await.map_err(|_| AppError::bad_request("上传的表单不完整，请重试"))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|_| {
            AppError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "上传中断或文件超过 {}",
                    gongkai_io::archive::megabytes(gongkai_io::limits::MAX_LIST_BYTES as u64)
                ),
            )
        })?;
        let text = || String::from_utf8_lossy(&bytes).trim().to_string();
        match name.as_str() {
            "file" => {
                form.file_name = file_name.unwrap_or_default();
                form.bytes = bytes.to_vec();
            }
            "csrf" => form.csrf = text(),
            "sha256" => form.sha256 = text(),
            "file_name" => form.file_name = text(),
            "year" => form.year = text(),
            "title" => form.title = text(),
            "region" => form.region = text(),
            "commit" => form.commit = text(),
            _ => {}
        }
    }
    Ok(form)
}

/// Reads the list, understands it against the directory, and saves it when
/// asked and when nothing is wrong. Nothing is stored on any problem.
pub async fn run(state: &AppState, user: &User, mut form: ImportForm) -> AppResult<Outcome> {
    if !auth::manages(user.role) {
        return Err(AppError::forbidden());
    }
    if form.bytes.is_empty() {
        if form.sha256.is_empty() {
            return Err(AppError::bad_request("请选择要导入的清单文件（.docx、.xlsx 或 .txt）"));
        }
        if form.sha256.len() != 64 || !form.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::bad_request("预览的文件标识无效，请重新上传"));
        }
        form.bytes = crate::files::read(&state.files_dir, &form.sha256)
            .map_err(|_| AppError::bad_request("预览的文件已不在，请重新上传"))?;
    }
    if form.bytes.len() > gongkai_io::limits::MAX_LIST_BYTES {
        return Err(AppError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            gongkai_io::limits::list_too_large().to_string(),
        ));
    }
    use gongkai_domain::input;
    form.file_name = input::FILE_NAME.clean(&form.file_name)?;
    form.title = input::TITLE.clean(&form.title)?;
    form.region = input::REGION.clean(&form.region)?;
    form.year = input::VALUE.clean(&form.year)?;
    let list = gongkai_io::read_task_list(&form.file_name, &form.bytes)
        .map_err(|e| AppError::bad_request(format!("{}：{e}。未导入任何内容。", form.file_name)))?;
    let year = match form.year.as_str() {
        "" => list.title.as_deref().and_then(gongkai_io::year_in).unwrap_or_else(|| state.today().year()),
        y => y
            .parse::<i32>()
            .ok()
            .filter(|y| gongkai_domain::calendar::YEARS.contains(y))
            .ok_or_else(|| AppError::bad_request(format!("计划年份“{y}”应是 2000 到 2100 之间的年份")))?,
    };
    let directory = state.store.directory().await?;
    let understanding = understand(&list, &directory, year);
    let title = Some(form.title.clone())
        .filter(|t| !t.is_empty())
        .or_else(|| understanding.title.clone())
        .unwrap_or_else(|| form.file_name.rsplit_once('.').map_or(form.file_name.clone(), |(stem, _)| stem.into()));
    let region = if form.region.is_empty() { "从化区".to_string() } else { form.region.clone() };
    let sha256 = crate::files::store(&state.files_dir, &form.bytes)
        .map_err(|e| AppError::internal(format!("keeping an upload: {e}")))?;
    let saved = if form.commit == "1" && understanding.problems.is_empty() {
        Some(state.store.save_plan(&understanding, &title, &region, &directory, &user.login).await?)
    } else {
        None
    };
    Ok(Outcome { file_name: form.file_name, sha256, title, region, year, understanding, saved })
}

pub async fn page(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    if !auth::manages(page.user.role) {
        return Err(AppError::forbidden());
    }
    let html = state.render(
        "import.html",
        serde_json::json!({ "frame": crate::pages::frame_json(&state, &page), "outcome": null, "max_mb": state.max_upload / (1024 * 1024) }),
    )?;
    Ok(Html(html))
}

/// Upload → preview; preview's 确认导入 → saved.
pub async fn upload(State(state): State<AppState>, page: PageUser, multipart: Multipart) -> AppResult<Response> {
    let form = read(multipart).await?;
    page.check_csrf(&form.csrf)?;
    let outcome = run(&state, &page.user, form).await?;
    let html = state.render(
        "import.html",
        serde_json::json!({
            "frame": crate::pages::frame_json(&state, &page), "outcome": outcome,
            "max_mb": state.max_upload / (1024 * 1024),
        }),
    )?;
    Ok(Html(html).into_response())
}

/// `POST /api/v1/imports`: the same fields as the page; `commit=1` saves.
pub async fn api(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    multipart: Multipart,
) -> AppResult<(StatusCode, Json<Outcome>)> {
    let form = read(multipart).await.map_err(AppError::as_json)?;
    let commit = form.commit == "1";
    let outcome = run(&state, &user, form).await.map_err(AppError::as_json)?;
    // Asked to save but the list has problems: nothing saved, every problem listed.
    let status = if commit && outcome.saved.is_none() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, Json(outcome)))
}
