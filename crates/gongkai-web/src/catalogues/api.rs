//! 标准目录 for scripts: the catalogues a user may see, one with its items
//! (each 公开时限 read, its records judged), and a record published under
//! an item, the same checks as the pages.

use crate::auth::{ApiUser, TokenUser};
use crate::error::{AppError, AppResult, JsonBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use gongkai_app::catalogues;
use gongkai_store::{CatalogueFilter, CatalogueId, ItemId};
use serde::Deserialize;
use serde_json::{Value, json};

pub async fn list(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<Json<Value>> {
    let rows = catalogues::list(&state, &user, CatalogueFilter::default()).await?;
    Ok(Json(json!({ "catalogues": rows })))
}

pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<CatalogueId>,
) -> AppResult<Json<Value>> {
    let (row, _) = catalogues::find(&state, &user, id).await?;
    let items = catalogues::items(&state.store, &row).await?;
    Ok(Json(json!({ "catalogue": row, "status_label": row.status().label(), "items": items })))
}

#[derive(Deserialize)]
pub struct RecordBody {
    title: String,
    #[serde(default)]
    url: String,
    /// YYYY-MM-DD.
    published_on: chrono::NaiveDate,
    #[serde(default)]
    event_on: Option<chrono::NaiveDate>,
}

/// 登记 by script: `{"title", "url", "published_on", "event_on"}`.
pub async fn record(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<ItemId>,
    JsonBody(body): JsonBody<Value>,
) -> AppResult<(axum::http::StatusCode, Json<Value>)> {
    // Another unit's item is not there, whatever the body says.
    let item = state.store.catalogue_item(id).await.map_err(|_| AppError::not_found())?;
    catalogues::find(&state, &user, item.catalogue_id).await?;
    let body: RecordBody = serde_json::from_value(body).map_err(|e| {
        AppError::bad_request(format!("请求内容应为 {{\"title\", \"url\", \"published_on\", \"event_on\"}}：{e}"))
    })?;
    let in_range = |d: chrono::NaiveDate| gongkai_domain::calendar::in_range(d);
    if !in_range(body.published_on) || body.event_on.is_some_and(|d| !in_range(d)) {
        return Err(AppError::bad_request("日期应在 2000 至 2100 年间"));
    }
    let record = catalogues::NewRecord {
        title: body.title,
        url: body.url.trim().to_string(),
        published_on: body.published_on,
        event_on: body.event_on,
    };
    catalogues::add_record(&state, &user, id, record).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({ "status": "recorded" }))))
}
