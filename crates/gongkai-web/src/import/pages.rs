use crate::auth::{self, PageUser};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::{Multipart, State};
use axum::response::{Html, IntoResponse, Response};

pub async fn page(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    if !auth::manages(page.user.role) {
        return Err(AppError::forbidden());
    }
    let html = state.render(
        "import/import.html",
        serde_json::json!({
            "frame": crate::page::frame_json(&state, &page), "outcome": null, "max_mb": state.max_upload / (1024 * 1024),
            "roles": [], "kinds": [],
        }),
    )?;
    Ok(Html(html))
}

/// Upload → preview; preview's 确认导入 → saved.
pub async fn upload(State(state): State<AppState>, page: PageUser, multipart: Multipart) -> AppResult<Response> {
    let form = super::read(multipart).await?;
    page.check_csrf(&form.csrf)?;
    let outcome = super::run(&state, &page.user, form).await?;
    let roles: Vec<serde_json::Value> =
        gongkai_io::Role::ALL.iter().map(|r| serde_json::json!({ "code": r.code(), "label": r.label() })).collect();
    let kinds: Vec<serde_json::Value> = gongkai_domain::units::UnitKind::ALL
        .iter()
        .map(|k| serde_json::json!({ "code": k.as_str(), "label": k.label() }))
        .collect();
    let html = state.render(
        "import/import.html",
        serde_json::json!({
            "frame": crate::page::frame_json(&state, &page), "outcome": outcome,
            "max_mb": state.max_upload / (1024 * 1024), "roles": roles, "kinds": kinds,
        }),
    )?;
    Ok(Html(html).into_response())
}
