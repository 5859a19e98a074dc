//! 报送 and 审核: a unit reports with text, an address, a date and files;
//! its head signs off where the plan asks; the reviewer accepts or returns.
//! The pages and the API call these, so they make exactly the same checks.

use crate::access::{self, Access};
use crate::{App, Error, Result};
use gongkai_domain::status::ObligationStatus;
use gongkai_store::{ObligationFilter, ObligationId, ObligationRow, SubmissionId, User};

/// A report as sent, its text fields already cleaned at the edge.
pub struct NewReport {
    pub text: String,
    pub url: String,
    pub date: String,
    /// (name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// A report again after a return: the files of the report returned
    /// come along (they are kept; nothing is uploaded again).
    pub keep_files: bool,
}

/// Finds an obligation and what the user may do with it; one the user may
/// not see answers not-found, as if it did not exist.
pub async fn find_obligation(app: &App, user: &User, id: ObligationId) -> Result<(ObligationRow, Access)> {
    let found = app.store.obligations(&ObligationFilter { id: Some(id), ..Default::default() }).await?;
    let o = found.into_iter().next().ok_or(Error::NotFound)?;
    let access = access::access(user, &o, &*app.directory().await?);
    if !access.see {
        return Err(Error::NotFound);
    }
    Ok((o, access))
}

/// Checks a report against the user's rights and its own content, stores
/// its files, then records it. Nothing is stored when a check fails.
pub async fn file_report(app: &App, user: &User, id: ObligationId, report: NewReport) -> Result<SubmissionId> {
    let (o, access) = find_obligation(app, user, id).await?;
    if !access.submit {
        return Err(Error::Forbidden);
    }
    if !access.may_submit(&o) {
        return Err(Error::Conflict(
            match o.status.as_str() {
                "accepted" => "这项任务已审核通过，无需再报送",
                _ => "已报送，正在等待审核；退回后才能再次报送",
            }
            .into(),
        ));
    }
    let NewReport { text, url, date, files, keep_files } = report;
    let kept: Vec<gongkai_store::NewAttachment> = if keep_files {
        let latest = app.store.submissions(id).await?.into_iter().next();
        latest
            .map(|s| s.attachments)
            .unwrap_or_default()
            .into_iter()
            .map(|a| gongkai_store::NewAttachment {
                file_name: a.file_name,
                content_type: a.content_type,
                size: a.size,
                sha256: a.sha256,
            })
            .collect()
    } else {
        Vec::new()
    };
    if kept.len() + files.len() > gongkai_domain::input::MAX_FILES_PER_REPORT {
        return Err(Error::invalid(format!(
            "一次报送最多附 {} 个文件（含保留的上次附件），未保存任何内容",
            gongkai_domain::input::MAX_FILES_PER_REPORT
        )));
    }
    if text.is_empty() && files.is_empty() && kept.is_empty() {
        return Err(Error::invalid("请填写报送内容或附上文件"));
    }
    let published_url = crate::web_address(&url, "公开网址")?;
    let evidence_date = crate::optional_date(&date, "材料日期")?;
    let mut attachments = Vec::new();
    for (name, bytes) in &files {
        if bytes.len() > app.max_upload {
            return Err(Error::TooLarge(format!(
                "文件“{name}”超过 {} MB 上限，未保存任何内容",
                app.max_upload / (1024 * 1024)
            )));
        }
        let content_type = crate::files::check(name, bytes, app.max_upload).map_err(Error::Invalid)?;
        attachments.push((name, content_type, bytes));
    }
    let mut stored = kept;
    for (name, content_type, bytes) in attachments {
        // Writing and syncing a file blocks; keep it off the request threads.
        let (root, owned) = (app.files_dir.clone(), bytes.clone());
        let sha256 = tokio::task::spawn_blocking(move || crate::files::store(&root, &owned))
            .await
            .map_err(|e| Error::internal(format!("storing a file: {e}")))?
            .map_err(|e| Error::internal(format!("storing a file: {e}")))?;
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
        submitted_on: app.today(),
        files: stored,
    };
    Ok(app.store.submit(&new, &user.login).await?)
}

/// What 批量通过 did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Accepted {
    pub accepted: Vec<ObligationId>,
    /// Reports not accepted, and why (returned meanwhile, not the user's).
    pub refused: Vec<(ObligationId, String)>,
}

/// 批量通过: the selected reports accepted one after another; one that
/// cannot be does not stop the rest. A return needs its own reason, so
/// returns are decided one by one.
pub async fn accept_all(app: &App, user: &User, ids: &[ObligationId]) -> Result<Accepted> {
    if ids.is_empty() {
        return Err(Error::invalid("请先勾选要通过的报送"));
    }
    if ids.len() > 500 {
        return Err(Error::invalid("一次最多通过 500 项"));
    }
    let mut done = Accepted::default();
    for &id in ids {
        match decide(app, user, id, "accept", "").await {
            Ok(()) => done.accepted.push(id),
            Err(error) => done.refused.push((id, error.to_string())),
        }
    }
    Ok(done)
}

/// Decides on the latest report, if the user may: the reviewer accepts or
/// returns; where the plan asks for it, the unit head first signs off
/// (`signoff`) or returns.
pub async fn decide(app: &App, user: &User, id: ObligationId, decision: &str, reason: &str) -> Result<()> {
    let reason = gongkai_domain::input::REASON.clean(reason)?;
    let reason = reason.as_str();
    let (o, access) = find_obligation(app, user, id).await?;
    let decision = match decision {
        "accept" => gongkai_store::Decision::Accept,
        "return" => gongkai_store::Decision::Return,
        "signoff" => gongkai_store::Decision::SignOff,
        _ => return Err(Error::invalid("请选择“通过”(accept)、“退回”(return)或“签发”(signoff)")),
    };
    let allowed = match decision {
        gongkai_store::Decision::Accept => access.review,
        gongkai_store::Decision::SignOff => access.sign,
        gongkai_store::Decision::Return => access.review || (access.sign && o.status == ObligationStatus::Submitted),
    };
    if !allowed {
        return Err(Error::Forbidden);
    }
    app.store.review(id, user.id, decision, reason, &user.login).await?;
    Ok(())
}
