//! The audit log for scripts.

use crate::auth::{ApiUser, manages};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use serde_json::{Value, json};

/// The audit log, newest first, and whether its chain is intact (the office and the admin).
pub async fn audit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<super::pages::AuditQuery>,
) -> AppResult<Json<Value>> {
    if !manages(user.role) {
        return Err(AppError::forbidden());
    }
    let entries = state.store.audit_search(&query.filter()?).await?;
    let published = state.published_checkpoints()?;
    let intact = state.store.verify_audit(&published).await?;
    Ok(Json(json!({ "intact": intact.is_ok(), "problem": intact.err().map(|e| e.to_string()), "entries": entries })))
}
