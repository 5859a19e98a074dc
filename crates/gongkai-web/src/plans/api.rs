//! Plans and tasks for scripts, and a plan's settings.

use crate::auth::{ApiUser, TokenUser, manages, unit_scope};
use crate::error::{AppError, AppResult, JsonBody};
use crate::ledger::Row;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use gongkai_store::{ObligationFilter, PlanId, TaskId};
use serde::Deserialize;
use serde_json::{Value, json};

pub async fn plans(State(state): State<AppState>, ApiUser(_): ApiUser) -> AppResult<Json<Vec<gongkai_store::PlanRow>>> {
    Ok(Json(state.store.plans().await?))
}

#[derive(Deserialize)]
pub struct PlanSettings {
    #[serde(default)]
    head_signoff: Option<bool>,
    /// 印发日期, "2020-09-01".
    #[serde(default)]
    start: Option<chrono::NaiveDate>,
    #[serde(default)]
    reminders: Option<gongkai_domain::supervision::Rules>,
}

/// A plan's settings (the office): `{"head_signoff": true, "reminders":
/// {"lead_days": [7, 3, 1], "escalate_after_working_days": 5, "notice_working_days": 5}}`.
pub async fn plan_settings(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<PlanId>,
    JsonBody(body): JsonBody<PlanSettings>,
) -> AppResult<Json<Value>> {
    if !manages(user.role) {
        return Err(AppError::forbidden());
    }
    if let Some(start) = body.start {
        gongkai_app::import::correct_start(&state, &user, id, start).await?;
    }
    if let Some(required) = body.head_signoff {
        state.store.set_head_signoff(id, required, &user.login).await?;
    }
    if let Some(rules) = body.reminders {
        let rules = super::pages::checked_rules(rules)?;
        state.store.set_plan_rules(id, &rules, &user.login).await?;
    }
    let rules = state.store.plan_rules().await?.remove(&id).unwrap_or_default();
    let plan = state.store.plans().await?.into_iter().find(|p| p.id == id);
    Ok(Json(json!({
        "plan": id,
        "start": plan.as_ref().map(|p| p.start_date),
        "head_signoff": plan.map(|p| p.head_signoff),
        "reminders": rules
    })))
}

/// The task list as written and as understood (every role may read it).
pub async fn tasks(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<gongkai_store::TaskRow>>> {
    Ok(Json(crate::auth::scope_tasks(&user, state.tasks().await?.to_vec())))
}

/// One task with the obligations the caller may see.
pub async fn task(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<TaskId>,
) -> AppResult<Json<Value>> {
    let tasks = crate::auth::scope_tasks(&user, state.tasks().await?.to_vec());
    let task = tasks.into_iter().find(|t| t.id == id).ok_or_else(AppError::not_found)?;
    let unit = unit_scope(&user)?;
    let filter = ObligationFilter { unit, task_id: Some(id), ..Default::default() };
    let today = state.today();
    let rows: Vec<Row> =
        state.store.obligations(&filter).await?.into_iter().map(|o| crate::ledger::row(o, today)).collect();
    Ok(Json(json!({ "task": task, "obligations": rows })))
}
