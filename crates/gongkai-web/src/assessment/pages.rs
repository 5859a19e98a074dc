use super::*;
use crate::auth::{self, PageUser};
use crate::error::{AppError, AppResult, FormBody};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_store::PlanId;

pub async fn page(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<YearQuery>,
) -> AppResult<Html<String>> {
    let (year, as_of, scores) = super::scores(&state, &page.user, query.year).await?;
    let plans: Vec<gongkai_store::PlanRow> =
        state.store.plans().await?.into_iter().filter(|p| p.plan_year == year).collect();
    let bonus_names: Vec<String> = match plans.first() {
        Some(plan) => gongkai_domain::scoring::Rule::parse(&state.store.scoring_rule(plan.id).await?)
            .map(|r| r.bonus.into_iter().map(|b| b.name).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let html = state.render(
        "assessment/scores.html",
        serde_json::json!({
            "frame": crate::page::frame_json(&state, &page), "year": year, "as_of": as_of, "scores": scores,
            "plans": plans, "bonus_names": bonus_names, "manages": page.user.role == gongkai_domain::people::Role::Office,
        }),
    )?;
    Ok(Html(html))
}

pub async fn rule(State(state): State<AppState>, page: PageUser, Path(plan): Path<PlanId>) -> AppResult<Html<String>> {
    if !auth::manages(page.user.role) {
        return Err(AppError::forbidden());
    }
    let text = state.store.scoring_rule(plan).await?;
    let html = state.render(
        "assessment/scoring.html",
        serde_json::json!({ "frame": crate::page::frame_json(&state, &page), "plan": plan, "text": text, "error": null }),
    )?;
    Ok(Html(html))
}

pub async fn save_rule(
    State(state): State<AppState>,
    page: PageUser,
    Path(plan): Path<PlanId>,
    FormBody(form): FormBody<RuleForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    match super::save_rule(&state, &page.user, plan, &form.text).await {
        Ok(()) => Ok(Redirect::to("/scores").into_response()),
        Err(err) if err.status == axum::http::StatusCode::BAD_REQUEST => {
            let html = state.render(
                "assessment/scoring.html",
                serde_json::json!({ "frame": crate::page::frame_json(&state, &page), "plan": plan, "text": form.text, "error": err.message }),
            )?;
            Ok((axum::http::StatusCode::BAD_REQUEST, Html(html)).into_response())
        }
        Err(err) => Err(err),
    }
}

pub async fn award(
    State(state): State<AppState>,
    page: PageUser,
    Path(plan): Path<PlanId>,
    FormBody(form): FormBody<BonusForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    super::award(&state, &page.user, plan, &form).await?;
    Ok(Redirect::to("/scores").into_response())
}
