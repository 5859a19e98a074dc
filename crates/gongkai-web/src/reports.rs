//! Reports and reviews, shared by the pages and the API so that both make
//! exactly the same checks.

use crate::auth::{self, Access};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use gongkai_store::{ObligationFilter, ObligationRow, User};

/// A report as sent: the fields of the form and its files.
pub struct ReportForm {
    /// Only the pages carry one; the API authenticates by bearer token.
    pub csrf: String,
    pub text: String,
    pub url: String,
    pub date: String,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Finds an obligation and what the user may do with it; one the user may
/// not see answers 404, as if it did not exist.
pub async fn find_obligation(
    state: &AppState,
    user: &gongkai_store::User,
    id: i64,
) -> AppResult<(ObligationRow, Access)> {
    let found = state.store.obligations(&ObligationFilter { id: Some(id), ..Default::default() }).await?;
    let o = found.into_iter().next().ok_or_else(AppError::not_found)?;
    let access = auth::access(user, &o, &*state.directory().await?);
    if !access.see {
        return Err(AppError::not_found());
    }
    Ok((o, access))
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
            _ => {}
        }
    }
    Ok(ReportForm { csrf, text, url, date, files })
}

/// Checks a report against the user's rights and its own content, stores
/// its files, then records it. Nothing is stored when a check fails.
pub async fn file_report(state: &AppState, user: &User, id: i64, form: ReportForm) -> AppResult<i64> {
    let (o, access) = find_obligation(state, user, id).await?;
    if !access.submit {
        return Err(AppError::forbidden());
    }
    if !access.may_submit(&o) {
        return Err(AppError::new(
            axum::http::StatusCode::CONFLICT,
            match o.status.as_str() {
                "accepted" => "这项任务已审核通过，无需再报送",
                _ => "已报送，正在等待审核；退回后才能再次报送",
            },
        ));
    }
    let ReportForm { text, url, date, files, .. } = form;
    if text.is_empty() && files.is_empty() {
        return Err(AppError::bad_request("请填写报送内容或附上文件"));
    }
    let published_url = match url.as_str() {
        "" => None,
        u if (u.starts_with("http://") || u.starts_with("https://")) && !u.contains(char::is_whitespace) => {
            Some(u.to_string())
        }
        _ => return Err(AppError::bad_request("公开网址应以 http:// 或 https:// 开头，且不含空格")),
    };
    let evidence_date = crate::ledger::date(&Some(date), "材料日期")?;
    let mut attachments = Vec::new();
    for (name, bytes) in &files {
        if bytes.len() > state.max_upload {
            return Err(AppError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                format!("文件“{name}”超过 {} MB 上限，未保存任何内容", state.max_upload / (1024 * 1024)),
            ));
        }
        let content_type = crate::files::check(name, bytes, state.max_upload).map_err(AppError::bad_request)?;
        attachments.push((name, content_type, bytes));
    }
    let mut stored = Vec::new();
    for (name, content_type, bytes) in attachments {
        // Writing and syncing a file blocks; keep it off the request threads.
        let (root, owned) = (state.files_dir.clone(), bytes.clone());
        let sha256 = tokio::task::spawn_blocking(move || crate::files::store(&root, &owned))
            .await
            .map_err(|e| AppError::internal(format!("storing a file: {e}")))?
            .map_err(|e| AppError::internal(format!("storing a file: {e}")))?;
        stored.push(gongkai_store::NewAttachment {
            file_name: name.clone(),
            content_type: content_type.to_string(),
            size: bytes.len() as i64,
            sha256,
        });
    }
    let new = gongkai_store::NewSubmission {
        obligation_id: o.id,
        author_id: user.id,
        text,
        published_url,
        evidence_date,
        submitted_on: state.today(),
        files: stored,
    };
    Ok(state.store.submit(&new, &user.login).await?)
}

/// Decides on the latest report, if the user may: the reviewer accepts or
/// returns; where the plan asks for it, the unit head first signs off
/// (`signoff`) or returns.
pub async fn decide(state: &AppState, user: &User, id: i64, decision: &str, reason: &str) -> AppResult<()> {
    let reason = gongkai_domain::input::REASON.clean(reason)?;
    let reason = reason.as_str();
    let (o, access) = find_obligation(state, user, id).await?;
    let decision = match decision {
        "accept" => gongkai_store::Decision::Accept,
        "return" => gongkai_store::Decision::Return,
        "signoff" => gongkai_store::Decision::SignOff,
        _ => return Err(AppError::bad_request("请选择“通过”(accept)、“退回”(return)或“签发”(signoff)")),
    };
    let allowed = match decision {
        gongkai_store::Decision::Accept => access.review,
        gongkai_store::Decision::SignOff => access.sign,
        gongkai_store::Decision::Return => access.review || (access.sign && o.status == "submitted"),
    };
    if !allowed {
        return Err(AppError::forbidden());
    }
    state.store.review(id, user.id, decision, reason, &user.login).await?;
    Ok(())
}
