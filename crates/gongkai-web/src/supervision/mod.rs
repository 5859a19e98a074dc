//! 督办 and 延期 on the web: the office issues a numbered 督办通知 by hand,
//! or one the rule drafted (edited, or a selection at once: 一键督办), or
//! sets a draft aside; a unit reads its notices and
//! what it was told, and asks for a later due date, which the office grants
//! or refuses. Pages and API share the checks below.
//!
//! May use: the shared pieces and `reports` (finding an obligation the user
//! may see); `gongkai_app::supervision`.

pub mod pages;

use crate::routes::{Group, Routes};
pub mod api;

use crate::error::AppResult;
use crate::state::AppState;
use gongkai_store::{NoticeRow, ObligationId, User};
use serde::Deserialize;

/// The office issues a 督办通知 for an obligation: a new deadline (by default
/// the plan's number of working days from today) and a note.
pub async fn issue(state: &AppState, user: &User, id: ObligationId, new_due: &str, note: &str) -> AppResult<NoticeRow> {
    Ok(gongkai_app::supervision::issue(state, user, id, new_due, note).await?)
}

/// A unit asks for a later due date.
pub async fn request(state: &AppState, user: &User, id: ObligationId, due: &str, reason: &str) -> AppResult<i64> {
    Ok(gongkai_app::supervision::request(state, user, id, due, reason).await?)
}

/// The office grants or refuses.
pub async fn decide(state: &AppState, user: &User, id: ObligationId, decision: &str, note: &str) -> AppResult<()> {
    Ok(gongkai_app::supervision::decide(state, user, id, decision, note).await?)
}

/// Notices the user may read: a unit's own, or all for the region's roles.
async fn visible_notices(state: &AppState, user: &User, id: Option<i64>) -> AppResult<Vec<NoticeRow>> {
    Ok(gongkai_app::supervision::visible_notices(state, user, id).await?)
}

pub fn routes(routes: Routes) -> Routes {
    routes
        .post(Group::Pages, "/obligations/{id}/notice", pages::issue)
        .post(Group::Pages, "/obligations/{id}/extension", pages::request)
        .post(Group::Pages, "/obligations/{id}/extension/decision", pages::decide)
        .get(Group::Pages, "/notices", pages::list)
        .get(Group::Pages, "/extensions", pages::extensions)
        .get(Group::Api, "/api/v1/extensions", api::extension_list)
        .post(Group::Pages, "/obligations/urge", pages::urge)
        .post(Group::Api, "/api/v1/obligations/urge", api::urge)
        .get(Group::Pages, "/notices/{id}", pages::notice)
        .get(Group::Pages, "/notices/drafts/{id}", pages::draft)
        .post(Group::Pages, "/notices/drafts/{id}/issue", pages::issue_draft)
        .post(Group::Pages, "/notices/drafts/{id}/dismiss", pages::dismiss_draft)
        .post(Group::Pages, "/notices/drafts/issue", pages::issue_drafts)
        .get(Group::Api, "/api/v1/notices/drafts", api::drafts)
        .post(Group::Api, "/api/v1/notices/drafts/{id}/issue", api::issue_draft)
        .post(Group::Api, "/api/v1/notices/drafts/{id}/dismiss", api::dismiss_draft)
        .post(Group::Api, "/api/v1/notices/drafts/issue", api::issue_drafts)
        .get(Group::Api, "/api/v1/notices", api::notices)
        .get(Group::Api, "/api/v1/notices/{id}", api::notice)
        .post(Group::Api, "/api/v1/obligations/{id}/notice", api::issue)
        .get(Group::Api, "/api/v1/obligations/{id}/extensions", api::extensions)
        .post(Group::Api, "/api/v1/obligations/{id}/extensions", api::request)
        .post(Group::Api, "/api/v1/obligations/{id}/extensions/decision", api::decide)
        .get(Group::Api, "/api/v1/inbox", api::inbox)
}

/// An answer to an extension request, from the page (with its CSRF token) or the API.
#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    decision: String,
    #[serde(default)]
    note: String,
}
