//! What every signed-in page shares: the header frame (who is signed in,
//! their unit, today, the CSRF token the page's forms carry), the
//! stylesheet, and the not-found page.

use crate::auth::{self, PageUser, sees_region};
use crate::error::AppError;
use crate::state::AppState;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use serde::Serialize;

pub async fn stylesheet() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../static/site.css"))
}

/// The one script: column names on phone-width table cards.
pub async fn script() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("../static/site.js"))
}

pub async fn not_found() -> AppError {
    AppError::not_found()
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A file to save, named in Chinese (RFC 5987), never shown inline.
pub fn download(bytes: Vec<u8>, name: &str, content_type: &'static str) -> axum::response::Response {
    use axum::http::header::CONTENT_DISPOSITION;
    let disposition =
        format!("attachment; filename=\"download\"; filename*=UTF-8''{}", crate::ledger::percent_encode(name));
    ([(CONTENT_TYPE, content_type.to_string()), (CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// A form with one file, as a multipart upload sends it: the text fields in
/// order (a name may repeat), and the file's name and bytes.
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Upload {
    /// The first value of a field, trimmed; empty if absent.
    pub fn field(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }
}

/// Reads an upload whose file part is named `file`; the route's body limit
/// has already bounded its size.
pub async fn read_upload(mut multipart: axum::extract::Multipart) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
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
        if name == "file" {
            upload.file_name = file_name.unwrap_or_default();
            upload.bytes = bytes.to_vec();
        } else {
            upload.fields.push((name, String::from_utf8_lossy(&bytes).trim().to_string()));
        }
    }
    Ok(upload)
}

/// What every signed-in page shows in its header.
#[derive(Serialize)]
pub struct Frame<'a> {
    login: &'a str,
    name: &'a str,
    role: &'a str,
    unit: Option<&'a str>,
    csrf: &'a str,
    sees_region: bool,
    audit: bool,
    admin: bool,
    /// The 政务公开办: it issues 督办 and chases units (一键催办).
    office: bool,
    today: String,
}

/// The page frame as a value, for handlers outside this module.
pub fn frame_json(state: &AppState, page: &PageUser) -> serde_json::Value {
    serde_json::to_value(frame(state, page)).unwrap_or_default()
}

pub fn frame<'a>(state: &AppState, page: &'a PageUser) -> Frame<'a> {
    Frame {
        login: &page.user.login,
        name: &page.user.display_name,
        role: page.user.role.label(),
        unit: page.user.unit.as_deref(),
        csrf: &page.csrf,
        sees_region: sees_region(page.user.role),
        audit: auth::manages(page.user.role),
        admin: page.user.role == gongkai_domain::people::Role::Admin,
        office: page.user.role == gongkai_domain::people::Role::Office,
        today: state.today().to_string(),
    }
}

/// The rows ticked on a list (one `key` field each), once the form's CSRF
/// token is checked; `what` names the number in the message when one is bad.
pub fn ticked<T: std::str::FromStr>(
    page: &PageUser,
    form: &[(String, String)],
    key: &str,
    what: &str,
) -> crate::error::AppResult<Vec<T>> {
    let csrf = form.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
    page.check_csrf(csrf)?;
    form.iter()
        .filter(|(k, _)| k == key)
        .map(|(_, value)| {
            value.parse().map_err(|_| crate::error::AppError::bad_request(format!("{what}“{value}”无效")))
        })
        .collect()
}

/// Rows a long list shows per page (督办, 延期, 审核, 审计日志).
pub const LIST_ROWS: i64 = 50;

/// One page of a long list: which rows to read, and its place among the
/// pages ("第 2 / 5 页，共 230 条") with links either side.
#[derive(Debug, Clone, Copy)]
pub struct Pager {
    pub number: i64,
}

impl Pager {
    /// Page `number` (1 when absent); a number past any list reads nothing.
    pub fn new(number: Option<i64>) -> Pager {
        Pager { number: number.unwrap_or(1).clamp(1, 1_000_000) }
    }

    pub fn offset(self) -> i64 {
        (self.number - 1) * LIST_ROWS
    }

    pub fn limit(self) -> i64 {
        LIST_ROWS
    }

    /// What `paging.html` shows: `link(n)` is the address of page n.
    pub fn view(self, total: i64, link: impl Fn(i64) -> String) -> serde_json::Value {
        let pages = ((total + LIST_ROWS - 1) / LIST_ROWS).max(1);
        serde_json::json!({
            "page": self.number,
            "pages": pages,
            "total": total,
            "previous": (self.number > 1).then(|| link((self.number - 1).min(pages))),
            "next": (self.number < pages).then(|| link(self.number + 1)),
        })
    }
}
