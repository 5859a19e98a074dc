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
use gongkai_app::import::{ImportRequest, Outcome};
use gongkai_store::User;

/// An import request: a task list at most, and the form around it.
pub const MAX_REQUEST_BYTES: usize = gongkai_io::limits::MAX_LIST_BYTES + 64 * 1024;

/// The upload as the form sends it: the request and the page's CSRF token.
#[derive(Debug, Default)]
pub struct ImportForm {
    pub csrf: String,
    pub request: ImportRequest,
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
                form.request.file_name = file_name.unwrap_or_default();
                form.request.bytes = bytes.to_vec();
            }
            "csrf" => form.csrf = text(),
            "sha256" => form.request.sha256 = text(),
            "file_name" => form.request.file_name = text(),
            "year" => form.request.year = text(),
            "title" => form.request.title = text(),
            "region" => form.request.region = text(),
            "commit" => form.request.commit = text(),
            _ => {}
        }
    }
    Ok(form)
}

/// Reads the list, understands it against the directory, and saves it when
/// asked and when nothing is wrong (`gongkai_app::import::run`).
pub async fn run(state: &AppState, user: &User, form: ImportForm) -> AppResult<Outcome> {
    Ok(gongkai_app::import::run(state, user, form.request).await?)
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
    let commit = form.request.commit == "1";
    let outcome = run(&state, &user, form).await.map_err(AppError::as_json)?;
    // Asked to save but the list has problems: nothing saved, every problem listed.
    let status = if commit && outcome.saved.is_none() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, Json(outcome)))
}
