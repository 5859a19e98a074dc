//! 单位与分组: the office corrects the unit directory (rows marked 待核实 are
//! best guesses) and confirms who the "…等相关部门" of a task are. Pages and
//! API share `save_unit` and `confirm_members`.
//!
//! May use: the shared pieces and `ledger`; `gongkai_app::directory`.

pub mod pages;

use crate::routes::{Group, Routes};
pub mod api;

use crate::error::AppResult;
use crate::state::AppState;
use gongkai_app::directory::{ContactForm, UnitForm};
use gongkai_domain::units::UnitKind;
use gongkai_store::{ImportReport, TaskId, User};

pub async fn save_unit(state: &AppState, user: &User, form: &UnitForm) -> AppResult<()> {
    Ok(gongkai_app::directory::save_unit(state, user, form).await?)
}

/// The office names who the "…等相关部门" of a task are.
pub async fn confirm_members(
    state: &AppState,
    user: &User,
    task_id: TaskId,
    units: &[String],
) -> AppResult<ImportReport> {
    Ok(gongkai_app::directory::confirm_members(state, user, task_id, units).await?)
}

/// Saves and gives the channels the unit now has.
pub async fn save_contact(state: &AppState, user: &User, form: &ContactForm) -> AppResult<Vec<&'static str>> {
    Ok(gongkai_app::directory::save_contact(state, user, form).await?)
}

fn kinds() -> Vec<serde_json::Value> {
    UnitKind::ALL.iter().map(|k| serde_json::json!({ "value": k.as_str(), "label": k.label() })).collect()
}

pub fn routes(routes: Routes) -> Routes {
    routes
        .get(Group::Pages, "/units", pages::list)
        .post(Group::Pages, "/units", pages::save)
        .get(Group::Pages, "/units/edit", pages::edit)
        .post(Group::Pages, "/units/contact", pages::contact)
        .post(Group::Pages, "/tasks/{id}/members", pages::members)
        .get(Group::Api, "/api/v1/units", api::list)
        .post(Group::Api, "/api/v1/units", api::save)
        .post(Group::Api, "/api/v1/units/contact", api::contact)
        .post(Group::Api, "/api/v1/tasks/{id}/members", api::members)
}
