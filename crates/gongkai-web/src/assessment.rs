//! 考核 on the web: the ranking with every point explained (a unit's staff
//! see their own unit's), the office editing each plan's rule (TOML) and
//! awarding bonus items.

use crate::auth::{self, ApiUser, PageUser, TokenUser};
use crate::error::{AppError, AppResult, FormBody, JsonBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use gongkai_app::assessment::UnitScore;
use gongkai_store::User;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// The year's scores as of today (or the year's end, if earlier), limited
/// to the caller's unit for a unit's staff.
async fn scores(state: &AppState, user: &User, year: Option<i32>) -> AppResult<(i32, NaiveDate, Vec<UnitScore>)> {
    Ok(gongkai_app::assessment::scores_for(state, user, year).await?)
}

pub async fn page(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<YearQuery>,
) -> AppResult<Html<String>> {
    let (year, as_of, scores) = scores(&state, &page.user, query.year).await?;
    let plans: Vec<gongkai_store::PlanRow> =
        state.store.plans().await?.into_iter().filter(|p| p.plan_year == year).collect();
    let bonus_names: Vec<String> = match plans.first() {
        Some(plan) => gongkai_domain::scoring::Rule::parse(&state.store.scoring_rule(plan.id).await?)
            .map(|r| r.bonus.into_iter().map(|b| b.name).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let html = state.render(
        "scores.html",
        serde_json::json!({
            "frame": crate::pages::frame_json(&state, &page), "year": year, "as_of": as_of, "scores": scores,
            "plans": plans, "bonus_names": bonus_names, "manages": page.user.role == gongkai_domain::people::Role::Office,
        }),
    )?;
    Ok(Html(html))
}

pub async fn rule_page(
    State(state): State<AppState>,
    page: PageUser,
    Path(plan): Path<i64>,
) -> AppResult<Html<String>> {
    if !auth::manages(page.user.role) {
        return Err(AppError::forbidden());
    }
    let text = state.store.scoring_rule(plan).await?;
    let html = state.render(
        "scoring.html",
        serde_json::json!({ "frame": crate::pages::frame_json(&state, &page), "plan": plan, "text": text, "error": null }),
    )?;
    Ok(Html(html))
}

#[derive(Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

async fn save_rule(state: &AppState, user: &User, plan: i64, text: &str) -> AppResult<()> {
    Ok(gongkai_app::assessment::save_rule(state, user, plan, text).await?)
}

pub async fn save_rule_page(
    State(state): State<AppState>,
    page: PageUser,
    Path(plan): Path<i64>,
    FormBody(form): FormBody<RuleForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    match save_rule(&state, &page.user, plan, &form.text).await {
        Ok(()) => Ok(Redirect::to("/scores").into_response()),
        Err(err) if err.status == axum::http::StatusCode::BAD_REQUEST => {
            let html = state.render(
                "scoring.html",
                serde_json::json!({ "frame": crate::pages::frame_json(&state, &page), "plan": plan, "text": form.text, "error": err.message }),
            )?;
            Ok((axum::http::StatusCode::BAD_REQUEST, Html(html)).into_response())
        }
        Err(err) => Err(err),
    }
}

#[derive(Deserialize)]
pub struct BonusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    note: String,
}

async fn award(state: &AppState, user: &User, plan: i64, form: &BonusForm) -> AppResult<()> {
    Ok(gongkai_app::assessment::award(state, user, plan, &form.unit, &form.item, &form.note).await?)
}

pub async fn award_page(
    State(state): State<AppState>,
    page: PageUser,
    Path(plan): Path<i64>,
    FormBody(form): FormBody<BonusForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    award(&state, &page.user, plan, &form).await?;
    Ok(Redirect::to("/scores").into_response())
}

pub async fn api_scores(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<YearQuery>,
) -> AppResult<Json<Vec<UnitScore>>> {
    Ok(Json(scores(&state, &user, query.year).await.map_err(AppError::as_json)?.2))
}

pub async fn api_rule(State(state): State<AppState>, ApiUser(_): ApiUser, Path(plan): Path<i64>) -> AppResult<String> {
    state.store.scoring_rule(plan).await.map_err(|e| AppError::from(e).as_json())
}

pub async fn api_save_rule(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(plan): Path<i64>,
    JsonBody(form): JsonBody<RuleForm>,
) -> AppResult<Json<serde_json::Value>> {
    save_rule(&state, &user, plan, &form.text).await.map_err(AppError::as_json)?;
    Ok(Json(serde_json::json!({ "plan": plan, "saved": true })))
}

pub async fn api_award(
    State(state): State<AppState>,
    TokenUser(user): TokenUser,
    Path(plan): Path<i64>,
    JsonBody(form): JsonBody<BonusForm>,
) -> AppResult<Json<serde_json::Value>> {
    award(&state, &user, plan, &form).await.map_err(AppError::as_json)?;
    Ok(Json(serde_json::json!({ "unit": form.unit, "item": form.item })))
}
