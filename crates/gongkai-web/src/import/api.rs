use crate::auth::TokenUser;
use crate::error::AppResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use gongkai_app::import::Outcome;

/// `POST /api/v1/imports`: the same fields as the page; `commit=1` saves.
pub async fn api(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    multipart: Multipart,
) -> AppResult<(StatusCode, Json<Outcome>)> {
    let form = super::read(multipart).await?;
    let commit = form.request.commit == "1";
    let outcome = super::run(&state, &user, form).await?;
    // Asked to save but the list has problems: nothing saved, every problem listed.
    let status = if commit && outcome.saved.is_none() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, Json(outcome)))
}
