use super::*;
use crate::auth::{ApiUser, TokenUser};
use crate::error::{AppResult, JsonBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use gongkai_app::assessment::UnitScore;
use gongkai_store::PlanId;

pub async fn scores(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<YearQuery>,
) -> AppResult<Json<Vec<UnitScore>>> {
    Ok(Json(super::scores(&state, &user, query.year).await?.2))
}

pub async fn rule(State(state): State<AppState>, ApiUser(_): ApiUser, Path(plan): Path<PlanId>) -> AppResult<String> {
    Ok(state.store.scoring_rule(plan).await?)
}

pub async fn save_rule(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(plan): Path<PlanId>,
    JsonBody(form): JsonBody<RuleForm>,
) -> AppResult<Json<serde_json::Value>> {
    super::save_rule(&state, &user, plan, &form.text).await?;
    Ok(Json(serde_json::json!({ "plan": plan, "saved": true })))
}

pub async fn award(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(plan): Path<PlanId>,
    JsonBody(form): JsonBody<BonusForm>,
) -> AppResult<Json<serde_json::Value>> {
    super::award(&state, &user, plan, &form).await?;
    Ok(Json(serde_json::json!({ "unit": form.unit, "item": form.item })))
}
