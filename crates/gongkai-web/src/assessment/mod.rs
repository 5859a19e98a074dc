//! 考核 on the web: the ranking with every point explained (a unit's staff
//! see their own unit's), the office editing each plan's rule (TOML) and
//! awarding bonus items.
//!
//! May use: the shared pieces; `gongkai_app::assessment`.

pub mod pages;

use crate::routes::{Group, Routes};
pub mod api;

use crate::error::AppResult;
use crate::state::AppState;
use chrono::NaiveDate;
use gongkai_app::assessment::UnitScore;
use gongkai_store::{PlanId, User};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// The year's scores as of today (or the year's end, if earlier), limited
/// to the caller's unit for a unit's staff.
async fn scores(state: &AppState, user: &User, year: Option<i32>) -> AppResult<(i32, NaiveDate, Vec<UnitScore>)> {
    Ok(gongkai_app::assessment::scores_for(state, user, year).await?)
}

/// A rule's text, as the API takes it.
#[derive(Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    text: String,
}

async fn save_rule(state: &AppState, user: &User, plan: PlanId, text: &str) -> AppResult<()> {
    Ok(gongkai_app::assessment::save_rule(state, user, plan, text).await?)
}

#[derive(Deserialize)]
pub struct BonusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    note: String,
}

async fn award(state: &AppState, user: &User, plan: PlanId, form: &BonusForm) -> AppResult<()> {
    Ok(gongkai_app::assessment::award(state, user, plan, &form.unit, &form.item, &form.note).await?)
}

pub fn routes(routes: Routes) -> Routes {
    routes
        .get(Group::Pages, "/scores", pages::page)
        .get(Group::Pages, "/plans/{id}/scoring", pages::rule)
        .post(Group::Pages, "/plans/{id}/scoring", pages::save_rule)
        .post(Group::Pages, "/plans/{id}/bonus", pages::award)
        .get(Group::Api, "/api/v1/scores", api::scores)
        .get(Group::Api, "/api/v1/plans/{id}/scoring", api::rule)
        .post(Group::Api, "/api/v1/plans/{id}/scoring", api::save_rule)
        .post(Group::Api, "/api/v1/plans/{id}/bonus", api::award)
}
