use crate::auth::{self, PageUser};
use crate::error::{AppError, AppResult, FormBody};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_app::directory::{ContactForm, UnitForm};
use gongkai_domain::units::Unit;
use gongkai_store::TaskId;
use serde::Deserialize;

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
        "directory/units.html",
        serde_json::json!({
            "frame": crate::page::frame_json(&state, &page), "units": units, "pending": pending,
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
        "directory/unit.html",
        serde_json::json!({
            "frame": crate::page::frame_json(&state, &page), "kinds": super::kinds(), "error": null, "contact": contact,
            "unit": unit.map(|u| serde_json::json!({
                "name": u.name, "aliases": u.aliases.join("、"), "kind": u.kind.as_str(),
                "parent": u.parent, "inferred": u.inferred, "note": u.note,
            })),
        }),
    )?;
    Ok(Html(html))
}

pub async fn contact(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<ContactForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    super::save_contact(&state, &page.user, &form).await?;
    Ok(Redirect::to(&format!("/units/edit?name={}", crate::ledger::percent_encode(&form.unit))).into_response())
}

pub async fn save(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<UnitForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    match super::save_unit(&state, &page.user, &form).await {
        Ok(()) => Ok(Redirect::to("/units").into_response()),
        Err(err) if err.status == axum::http::StatusCode::BAD_REQUEST => {
            // Show the form again with what was typed and what is wrong.
            let html = state.render(
                "directory/unit.html",
                serde_json::json!({
                    "frame": crate::page::frame_json(&state, &page), "kinds": super::kinds(), "error": err.message, "contact": null,
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
    Path(id): Path<TaskId>,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> AppResult<Response> {
    let csrf = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
    page.check_csrf(csrf)?;
    let units: Vec<String> = pairs.into_iter().filter(|(k, _)| k == "unit").map(|(_, v)| v).collect();
    super::confirm_members(&state, &page.user, id, &units).await?;
    Ok(Redirect::to(&format!("/tasks/{id}")).into_response())
}
