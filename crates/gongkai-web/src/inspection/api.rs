//! 网上巡查 for scripts: the runs, starting one, the findings a user may read.

use crate::auth::{ApiUser, TokenUser};
use crate::error::{AppError, AppResult, JsonBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use gongkai_app::inspection;
use serde::Deserialize;
use serde_json::{Value, json};

pub async fn runs(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<Json<Value>> {
    let runs = inspection::runs(&state, &user).await?;
    Ok(Json(json!({ "runs": runs.iter().map(super::pages::run_json).collect::<Vec<_>>() })))
}

#[derive(Deserialize, Default)]
pub struct StartBody {
    #[serde(default)]
    unit: Option<String>,
    /// YYYY-MM-DD; today when left out.
    #[serde(default)]
    as_of: Option<chrono::NaiveDate>,
}

/// `{"unit": "温泉镇", "as_of": "2024-06-28"}` (both optional): the run's id;
/// it reads in the background, `GET /api/v1/inspections` shows its state.
pub async fn start(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    JsonBody(body): JsonBody<Value>,
) -> AppResult<(axum::http::StatusCode, Json<Value>)> {
    let body: StartBody = serde_json::from_value(body)
        .map_err(|e| AppError::bad_request(format!("请求内容应为 {{\"unit\", \"as_of\"}}（均可省略）：{e}")))?;
    let as_of = body.as_of.unwrap_or_else(|| state.today());
    if !gongkai_domain::calendar::in_range(as_of) {
        return Err(AppError::bad_request("巡查日应在 2000 至 2100 年间"));
    }
    let unit = body.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let run = inspection::begin(&state, &user, as_of, unit).await?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(json!({ "run": run }))))
}

pub async fn findings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<super::pages::FindingsQuery>,
) -> AppResult<Json<Value>> {
    let open = query.show.as_deref() != Some("all");
    let (_, rows) = inspection::findings(&state, &user, query.unit.as_deref(), open).await?;
    let today = state.today();
    Ok(Json(json!({ "findings": rows.iter().map(|f| inspection::view(f, today)).collect::<Vec<_>>() })))
}
