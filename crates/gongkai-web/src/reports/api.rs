//! Reports for scripts: an obligation's reports, a new report with files,
//! a decision.

use crate::auth::{ApiUser, TokenUser};
use crate::error::{AppResult, JsonBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use gongkai_store::ObligationId;
use serde::Deserialize;
use serde_json::{Value, json};

/// Reports of one obligation, newest first, with files and reviews.
pub async fn submissions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<ObligationId>,
) -> AppResult<Json<Vec<gongkai_store::SubmissionRow>>> {
    crate::reports::find_obligation(&state, &user, id).await?;
    Ok(Json(state.store.submissions(id).await?))
}

/// 报送 by script: the same multipart fields as the page, bearer token only.
pub async fn submit(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<ObligationId>,
    form: axum::extract::Multipart,
) -> AppResult<(axum::http::StatusCode, Json<Value>)> {
    let form = crate::reports::read_form(&state, form).await?;
    let submission = crate::reports::file_report(&state, &user, id, form).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({ "submission": submission, "status": "submitted" }))))
}

#[derive(Deserialize)]
pub struct ReviewBody {
    decision: String,
    #[serde(default)]
    reason: String,
}

/// 审核 by script: `{"decision": "accept" | "return" | "signoff", "reason": …}`.
pub async fn review(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<ObligationId>,
    JsonBody(body): JsonBody<ReviewBody>,
) -> AppResult<Json<Value>> {
    crate::reports::decide(&state, &user, id, &body.decision, &body.reason).await?;
    let (o, _) = crate::reports::find_obligation(&state, &user, id).await?;
    Ok(Json(json!({ "status": o.status })))
}

#[derive(serde::Deserialize)]
pub struct AcceptBody {
    #[serde(default)]
    obligations: Vec<ObligationId>,
}

/// 批量通过: `{"obligations": [ids]}`; returns are decided one by one.
pub async fn accept_all(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    JsonBody(body): JsonBody<AcceptBody>,
) -> AppResult<Json<gongkai_app::reports::Accepted>> {
    Ok(Json(gongkai_app::reports::accept_all(&state, &user, &body.obligations).await?))
}
