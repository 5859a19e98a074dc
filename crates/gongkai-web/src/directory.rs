//! 单位与分组: the office corrects the unit directory (rows marked 待核实 are
//! best guesses) and confirms who the "…等相关部门" of a task are. Pages and
//! API share `save_unit` and `confirm_members`.

use crate::auth::{self, ApiUser, PageUser, TokenUser};
use crate::error::{AppError, AppResult, FormBody, JsonBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_app::directory::{ContactForm, UnitForm};
use gongkai_domain::units::{Unit, UnitKind};
use gongkai_store::{ImportReport, User};
use serde::Deserialize;

pub async fn save_unit(state: &AppState, user: &User, form: &UnitForm) -> AppResult<()> {
    Ok(gongkai_app::directory::save_unit(state, user, form).await?)
}

/// The office names who the "…等相关部门" of a task are.
pub async fn confirm_members(state: &AppState, user: &User, task_id: i64, units: &[String]) -> AppResult<ImportReport> {
    Ok(gongkai_app::directory::confirm_members(state, user, task_id, units).await?)
}

fn kinds() -> Vec<serde_json::Value> {
    UnitKind::ALL.iter().map(|k| serde_json::json!({ "value": k.as_str(), "label": k.label() })).collect()
}

/// The directory, with 待核实 rows first so that they get corrected (the
/// region's roles; a unit's staff work with their own unit only).
pub async fn list(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    if !auth::sees_region(page.user.role) {
        return Err(AppError::forbidden());
    }
    let directory = state.store.directory().await?;
    let mut units: Vec<&Unit> = directory.units().iter().collect();
    units.sort_by_key(|u| !u.inferred);
    let units: Vec<serde_json::Value> = units
        .iter()
        .map(|u| {
            serde_json::json!({
                "name": u.name, "aliases": u.aliases.join("、"), "kind": u.kind.label(), "parent": u.parent,
                "inferred": u.inferred, "note": u.note, "edit": format!("/units/edit?name={}", crate::ledger::percent_encode(&u.name)),
            })
        })
        .collect();
    let tasks = state.store.tasks().await?;
    let plans = state.store.plans().await?;
    let pending: Vec<serde_json::Value> = tasks
        .iter()
        .filter(|t| t.needs_confirmation)
        .map(|t| {
            let plan = plans.iter().find(|p| p.id == t.plan_id).map(|p| format!("{}（{} 年）", p.title, p.plan_year));
            serde_json::json!({ "id": t.id, "seq": t.seq, "responsible": t.responsible, "plan": plan })
        })
        .collect();
    let html = state.render(
        "units.html",
        serde_json::json!({
            "frame": crate::pages::frame_json(&state, &page), "units": units, "pending": pending,
            "manages": auth::manages(page.user.role),
        }),
    )?;
    Ok(Html(html))
}

#[derive(Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    name: String,
}

/// The form for one unit, or for a new one.
pub async fn edit(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<EditQuery>,
) -> AppResult<Html<String>> {
    if !auth::manages(page.user.role) {
        return Err(AppError::forbidden());
    }
    let directory = state.store.directory().await?;
    let unit = match query.name.as_str() {
        "" => None,
        name => Some(directory.find(name).filter(|u| u.name == name).ok_or_else(AppError::not_found)?),
    };
    let contact = match unit {
        Some(unit) => {
            let c = state.store.contact(&unit.name).await?;
            Some(serde_json::json!({
                "email": c.email, "wecom_url": c.wecom_url, "dingtalk_url": c.dingtalk_url, "feishu_url": c.feishu_url,
                "dingtalk_secret_set": !c.dingtalk_secret.is_empty(), "feishu_secret_set": !c.feishu_secret.is_empty(),
            }))
        }
        None => None,
    };
    let html = state.render(
        "unit.html",
        serde_json::json!({
            "frame": crate::pages::frame_json(&state, &page), "kinds": kinds(), "error": null, "contact": contact,
            "unit": unit.map(|u| serde_json::json!({
                "name": u.name, "aliases": u.aliases.join("、"), "kind": u.kind.as_str(),
                "parent": u.parent, "inferred": u.inferred, "note": u.note,
            })),
        }),
    )?;
    Ok(Html(html))
}

/// Saves and gives the channels the unit now has.
pub async fn save_contact(state: &AppState, user: &User, form: &ContactForm) -> AppResult<Vec<&'static str>> {
    Ok(gongkai_app::directory::save_contact(state, user, form).await?)
}

pub async fn contact_page(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<ContactForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    save_contact(&state, &page.user, &form).await?;
    Ok(Redirect::to(&format!("/units/edit?name={}", crate::ledger::percent_encode(&form.unit))).into_response())
}

pub async fn api_contact(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    JsonBody(form): JsonBody<ContactForm>,
) -> AppResult<Json<serde_json::Value>> {
    let channels = save_contact(&state, &user, &form).await.map_err(AppError::as_json)?;
    Ok(Json(serde_json::json!({ "unit": form.unit, "channels": channels })))
}

pub async fn save(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<UnitForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    match save_unit(&state, &page.user, &form).await {
        Ok(()) => Ok(Redirect::to("/units").into_response()),
        Err(err) if err.status == axum::http::StatusCode::BAD_REQUEST => {
            // Show the form again with what was typed and what is wrong.
            let html = state.render(
                "unit.html",
                serde_json::json!({
                    "frame": crate::pages::frame_json(&state, &page), "kinds": kinds(), "error": err.message, "contact": null,
                    "previous": form.previous,
                    "unit": {
                        "name": form.name, "aliases": form.aliases, "kind": form.kind, "parent": form.parent,
                        "inferred": form.inferred.is_some(), "note": form.note,
                    },
                }),
            )?;
            Ok((axum::http::StatusCode::BAD_REQUEST, Html(html)).into_response())
        }
        Err(err) => Err(err),
    }
}

/// The page form: `csrf` and one `unit` per ticked box.
pub async fn members(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> AppResult<Response> {
    let csrf = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
    page.check_csrf(csrf)?;
    let units: Vec<String> = pairs.into_iter().filter(|(k, _)| k == "unit").map(|(_, v)| v).collect();
    confirm_members(&state, &page.user, id, &units).await?;
    Ok(Redirect::to(&format!("/tasks/{id}")).into_response())
}

pub async fn api_list(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<Json<Vec<Unit>>> {
    if !auth::sees_region(user.role) {
        return Err(AppError::forbidden().as_json());
    }
    Ok(Json(state.store.directory().await.map_err(|e| AppError::from(e).as_json())?.units().to_vec()))
}

pub async fn api_save(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    JsonBody(form): JsonBody<UnitForm>,
) -> AppResult<Json<serde_json::Value>> {
    save_unit(&state, &user, &form).await.map_err(AppError::as_json)?;
    Ok(Json(serde_json::json!({ "saved": form.name.trim() })))
}

#[derive(Deserialize)]
pub struct MembersBody {
    units: Vec<String>,
}

pub async fn api_members(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<MembersBody>,
) -> AppResult<Json<ImportReport>> {
    Ok(Json(confirm_members(&state, &user, id, &body.units).await.map_err(AppError::as_json)?))
}
