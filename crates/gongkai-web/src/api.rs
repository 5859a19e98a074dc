//! The JSON API under `/api/v1`: the same data and the same permission
//! checks as the pages, for scripts and other systems.

use crate::auth::{ApiUser, TokenUser, unit_scope};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use gongkai_store::{ObligationFilter, ObligationRow};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct ListQuery {
    limit: Option<i64>,
    unit: Option<String>,
    due_before: Option<chrono::NaiveDate>,
}

pub async fn me(ApiUser(user): ApiUser) -> Json<Value> {
    Json(json!({ "login": user.login, "role": user.role, "unit": user.unit, "name": user.display_name }))
}

/// Obligations the caller may see: a unit's own, or the region's.
pub async fn obligations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Json<Vec<ObligationRow>>> {
    let scope = unit_scope(&user).map_err(AppError::as_json)?;
    let unit = match (scope, query.unit) {
        (Some(own), Some(asked)) if asked != own => return Ok(Json(Vec::new())),
        (Some(own), _) => Some(own),
        (None, asked) => asked,
    };
    if query.limit.is_some_and(|l| l < 0) {
        return Err(AppError::bad_request("limit 不能为负数").as_json());
    }
    let filter = ObligationFilter { unit, due_before: query.due_before, limit: query.limit, id: None };
    Ok(Json(state.store.obligations(&filter).await.map_err(|e| AppError::from(e).as_json())?))
}

/// One obligation; another unit's answers 404, as if it did not exist.
pub async fn obligation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> AppResult<Json<ObligationRow>> {
    let filter = ObligationFilter { id: Some(id), ..Default::default() };
    let found = state.store.obligations(&filter).await.map_err(|e| AppError::from(e).as_json())?;
    let o = found.into_iter().next().ok_or_else(|| AppError::not_found().as_json())?;
    let directory = state.store.directory().await.map_err(|e| AppError::from(e).as_json())?;
    if !crate::auth::access(&user, &o, &directory).see {
        return Err(AppError::not_found().as_json());
    }
    Ok(Json(o))
}

fn json_error(err: AppError) -> AppError {
    err.as_json()
}

/// Reports of one obligation, newest first, with files and reviews.
pub async fn submissions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<gongkai_store::SubmissionRow>>> {
    crate::reports::find_obligation(&state, &user, id).await.map_err(json_error)?;
    Ok(Json(state.store.submissions(id).await.map_err(|e| json_error(e.into()))?))
}

/// 报送 by script: the same multipart fields as the page, bearer token only.
pub async fn submit(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> AppResult<(axum::http::StatusCode, Json<Value>)> {
    let form = crate::reports::read_form(&state, form).await.map_err(json_error)?;
    let submission = crate::reports::file_report(&state, &user, id, form).await.map_err(json_error)?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({ "submission": submission, "status": "submitted" }))))
}

#[derive(Deserialize)]
pub struct ReviewBody {
    decision: String,
    #[serde(default)]
    reason: String,
}

/// 审核 by script: `{"decision": "accept" | "return", "reason": …}`.
pub async fn review(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<i64>,
    Json(body): Json<ReviewBody>,
) -> AppResult<Json<Value>> {
    crate::reports::decide(&state, &user, id, &body.decision, &body.reason).await.map_err(json_error)?;
    let status = if body.decision == "accept" { "accepted" } else { "returned" };
    Ok(Json(json!({ "status": status })))
}

/// The OpenAPI description of this API.
pub async fn openapi() -> Json<Value> {
    let obligation = json!({
        "type": "object",
        "required": ["id", "task_seq", "unit", "milestone", "kind", "status"],
        "properties": {
            "id": {"type": "integer"}, "task_seq": {"type": "integer"}, "unit": {"type": "string"},
            "milestone": {"type": "string"}, "kind": {"type": "string", "enum": ["due", "start", "window", "ongoing", "relative"]},
            "due": {"type": ["string", "null"], "format": "date"}, "from": {"type": ["string", "null"], "format": "date"},
            "to": {"type": ["string", "null"], "format": "date"}, "status": {"type": "string"}
        }
    });
    let error = json!({"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}});
    let refusals = json!({
        "401": {"description": "未登录或令牌无效", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "404": {"description": "不存在或无权查看", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    });
    Json(json!({
        "openapi": "3.1.0",
        "info": {"title": "gongkai 政务公开任务台账接口", "version": env!("CARGO_PKG_VERSION")},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "gongkai token create --login 账号"}},
            "schemas": {"Obligation": obligation, "Error": error}
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/me": {"get": {"summary": "当前账号", "responses": {"200": {"description": "账号、角色、单位"}, "401": refusals["401"]}}},
            "/api/v1/obligations": {"get": {
                "summary": "任务义务列表（承办人只见本单位）",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                    {"name": "unit", "in": "query", "schema": {"type": "string"}, "description": "单位全称"},
                    {"name": "due_before", "in": "query", "schema": {"type": "string", "format": "date"}}
                ],
                "responses": {"200": {"description": "列表", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Obligation"}}}}}, "401": refusals["401"]}
            }},
            "/api/v1/obligations/{id}/submissions": {
                "get": {"summary": "报送记录（含附件与审核结果）", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                        "responses": {"200": {"description": "报送记录，最新在前"}, "401": refusals["401"], "404": refusals["404"]}},
                "post": {"summary": "报送（仅限本单位承办人或负责人；需 Bearer 令牌）",
                         "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                         "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                             "text": {"type": "string"}, "published_url": {"type": "string", "format": "uri"},
                             "evidence_date": {"type": "string", "format": "date"},
                             "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}},
                         "responses": {"201": {"description": "已报送"}, "400": {"description": "内容或文件不合要求"}, "401": refusals["401"],
                                       "403": {"description": "无权报送"}, "404": refusals["404"], "413": {"description": "文件过大"}}}
            },
            "/api/v1/obligations/{id}/review": {"post": {
                "summary": "审核（公开办或报送对象单位；需 Bearer 令牌）",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["decision"], "properties": {
                    "decision": {"type": "string", "enum": ["accept", "return"]}, "reason": {"type": "string"}}}}}},
                "responses": {"200": {"description": "已审核"}, "400": {"description": "没有待审核的报送，或退回未写理由"}, "401": refusals["401"],
                              "403": {"description": "无权审核"}, "404": refusals["404"]}
            }},
            "/api/v1/obligations/{id}": {"get": {
                "summary": "一条任务义务",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "任务义务", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Obligation"}}}}, "401": refusals["401"], "404": refusals["404"]}
            }}
        }
    }))
}
