use crate::auth::{self, ApiUser, TokenUser};
use crate::error::{AppError, AppResult, JsonBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use gongkai_app::directory::{ContactForm, UnitForm};
use gongkai_domain::units::Unit;
use gongkai_store::{ImportReport, TaskId};
use serde::Deserialize;

pub async fn contact(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    JsonBody(form): JsonBody<ContactForm>,
) -> AppResult<Json<serde_json::Value>> {
    let channels = super::save_contact(&state, &user, &form).await?;
    Ok(Json(serde_json::json!({ "unit": form.unit, "channels": channels })))
}

pub async fn list(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<Json<Vec<Unit>>> {
    if !auth::sees_region(user.role) {
        return Err(AppError::forbidden());
    }
    Ok(Json(state.store.directory().await?.units().to_vec()))
}

pub async fn save(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    JsonBody(form): JsonBody<UnitForm>,
) -> AppResult<Json<serde_json::Value>> {
    super::save_unit(&state, &user, &form).await?;
    Ok(Json(serde_json::json!({ "saved": form.name.trim() })))
}

#[derive(Deserialize)]
pub struct MembersBody {
    units: Vec<String>,
}

pub async fn members(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<TaskId>,
    JsonBody(body): JsonBody<MembersBody>,
) -> AppResult<Json<ImportReport>> {
    Ok(Json(super::confirm_members(&state, &user, id, &body.units).await?))
}
