//! 账号 for scripts: who the token belongs to.

use crate::auth::ApiUser;
use axum::Json;
use serde_json::{Value, json};

pub async fn me(ApiUser(user): ApiUser) -> Json<Value> {
    Json(json!({ "login": user.login, "role": user.role, "unit": user.unit, "name": user.display_name }))
}
