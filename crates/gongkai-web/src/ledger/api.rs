//! The 台账 for scripts: the caller's obligations with the page's filters,
//! one obligation, and the dashboard's numbers.

use crate::auth::{ApiUser, sees_region};
use crate::error::{AppError, AppResult};
use crate::ledger::{LedgerQuery, Row};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use gongkai_store::{ObligationFilter, ObligationId, ObligationRow};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Paging {
    limit: Option<i64>,
    offset: Option<i64>,
    due_before: Option<chrono::NaiveDate>,
}

/// The most rows one answer carries; more are read page by page (`offset`).
const MAX_ROWS: i64 = 10_000;

/// Obligations the caller may see (a unit's own, or the region's), with the
/// 台账's filters and sorting, dates in words, light and timing.
pub async fn obligations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<Paging>,
    Query(ledger): Query<LedgerQuery>,
) -> AppResult<Json<Vec<Row>>> {
    let limit = query.limit.unwrap_or(crate::ledger::PAGE_ROWS as i64);
    if !(0..=MAX_ROWS).contains(&limit) {
        return Err(AppError::bad_request(format!("limit 应在 0 到 {MAX_ROWS} 之间")));
    }
    if query.offset.is_some_and(|o| o < 0) {
        return Err(AppError::bad_request("offset 不能为负数"));
    }
    if query.due_before.is_some_and(|d| !gongkai_domain::calendar::in_range(d)) {
        return Err(AppError::bad_request("due_before 应在 2000 至 2100 年之间"));
    }
    let Ok(unit) = ledger.unit_for(&user)? else {
        return Ok(Json(Vec::new()));
    };
    let tasks = ledger.tasks_needed(&state).await?;
    let today = state.today();
    let filter = ObligationFilter {
        unit,
        due_before: query.due_before,
        limit: Some(limit),
        offset: query.offset,
        ..ledger.filter(&tasks, today)?
    };
    let list = state.store.obligations(&filter).await?;
    Ok(Json(list.into_iter().map(|o| crate::ledger::row(o, today)).collect()))
}

/// One obligation; another unit's answers 404, as if it did not exist.
pub async fn obligation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<ObligationId>,
) -> AppResult<Json<ObligationRow>> {
    let filter = ObligationFilter { id: Some(id), ..Default::default() };
    let found = state.store.obligations(&filter).await?;
    let o = found.into_iter().next().ok_or_else(AppError::not_found)?;
    let directory = state.directory().await?;
    if !crate::auth::access(&user, &o, &directory).see {
        return Err(AppError::not_found());
    }
    Ok(Json(o))
}

/// The office dashboard's figures (region-wide roles only).
pub async fn dashboard(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::response::Response> {
    if !sees_region(user.role) {
        return Err(AppError::forbidden());
    }
    let board = state.dashboard().await?;
    Ok(axum::response::IntoResponse::into_response(Json(&*board)))
}
