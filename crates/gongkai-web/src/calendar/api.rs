use crate::error::AppResult;
use crate::state::AppState;
use axum::extract::State;

/// `POST /api/v1/calendar/feeds`: the same, for a script.
pub async fn new_feed(
    State(state): State<AppState>,
    crate::auth::TokenUser(user): crate::auth::TokenUser,
) -> AppResult<axum::Json<serde_json::Value>> {
    let (unit, token) = super::make_feed(&state, &user).await?;
    Ok(axum::Json(serde_json::json!({ "unit": unit, "path": format!("/feeds/{token}.ics") })))
}
