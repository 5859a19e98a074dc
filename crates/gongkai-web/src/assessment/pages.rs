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
    Ok(Html(rule_page(&state, &page, plan, &text, None)?))
}

/// The rule as a form (points, deductions in percent, bonus items with a
/// few empty rows to add one), its text beside it as the advanced view.
fn rule_page(state: &AppState, page: &PageUser, plan: PlanId, text: &str, error: Option<&str>) -> AppResult<String> {
    use gongkai_domain::scoring::{Rule, percent};
    let rule = Rule::parse(text).unwrap_or_else(|_| Rule::default_rule());
    // Numbers as people write them: 10, not 10.0.
    let shown = |n: f64| n.to_string();
    let mut bonus: Vec<serde_json::Value> =
        rule.bonus.iter().map(|b| serde_json::json!({ "name": b.name, "points": shown(b.points) })).collect();
    bonus.extend((0..3).map(|_| serde_json::json!({ "name": "", "points": "" })));
    state.render(
        "assessment/scoring.html",
        serde_json::json!({
            "frame": crate::page::frame_json(state, page), "plan": plan, "text": text, "error": error,
            "full_marks": shown(rule.full_marks), "late_percent": shown(percent(rule.late_deduction_per_day)),
            "late_cap_percent": shown(percent(rule.late_deduction_cap)),
            "return_percent": shown(percent(rule.return_deduction)),
            "catalogue_late_points": shown(rule.catalogue_late_points),
            "catalogue_missing_points": shown(rule.catalogue_missing_points),
            "catalogue_cap": shown(rule.catalogue_cap),
            "inspection_points": shown(rule.inspection_points),
            "inspection_cap": shown(rule.inspection_cap),
            "request_points": shown(rule.request_points),
            "request_cap": shown(rule.request_cap),
            "bonus": bonus,
        }),
    )
}

/// The form's fields as a rule's text: percents become fractions, empty
/// bonus rows are left out.
fn rule_from_form(fields: &[(String, String)]) -> AppResult<String> {
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or_default();
    let number = |name: &str, what: &str| -> AppResult<f64> {
        let text = field(name);
        text.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or_else(|| AppError::bad_request(format!("{what}“{text}”应是数字")))
    };
    let optional = |name: &str, what: &str| -> AppResult<f64> {
        if field(name).is_empty() { Ok(0.0) } else { number(name, what) }
    };
    let mut bonus = Vec::new();
    let names = fields.iter().filter(|(k, _)| k == "bonus_name").map(|(_, v)| v.trim());
    let points = fields.iter().filter(|(k, _)| k == "bonus_points").map(|(_, v)| v.trim());
    for (name, points) in names.zip(points) {
        if name.is_empty() && points.is_empty() {
            continue;
        }
        let name = gongkai_domain::input::TITLE.clean(name)?;
        if name.is_empty() {
            return Err(AppError::bad_request("加分项须写名称"));
        }
        let points = points
            .parse::<f64>()
            .ok()
            .filter(|p| p.is_finite())
            .ok_or_else(|| AppError::bad_request(format!("加分项“{name}”的分值“{points}”应是数字")))?;
        bonus.push(gongkai_domain::scoring::Bonus { name, points });
    }
    let rule = gongkai_domain::scoring::Rule {
        full_marks: number("full_marks", "满分")?,
        late_deduction_per_day: number("late_percent", "逾期每天扣分比例")? / 100.0,
        late_deduction_cap: number("late_cap_percent", "逾期最多扣分比例")? / 100.0,
        return_deduction: number("return_percent", "每次退回扣分比例")? / 100.0,
        // A form from before catalogues were scored leaves these out: none taken off.
        catalogue_late_points: optional("catalogue_late_points", "每条逾期公开扣分")?,
        catalogue_missing_points: optional("catalogue_missing_points", "每个无公开信息的事项扣分")?,
        catalogue_cap: optional("catalogue_cap", "标准目录最多扣分")?,
        inspection_points: optional("inspection_points", "每个逾期未整改的巡查问题扣分")?,
        inspection_cap: optional("inspection_cap", "网上巡查最多扣分")?,
        request_points: optional("request_points", "每件逾期答复的申请扣分")?,
        request_cap: optional("request_cap", "依申请公开最多扣分")?,
        bonus,
    };
    Ok(rule.to_text())
}

pub async fn save_rule(
    State(state): State<AppState>,
    page: PageUser,
    Path(plan): Path<PlanId>,
    FormBody(fields): FormBody<Vec<(String, String)>>,
) -> AppResult<Response> {
    let csrf = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
    page.check_csrf(csrf)?;
    if page.user.role != gongkai_domain::people::Role::Office {
        return Err(AppError::forbidden());
    }
    // The form, or the advanced view's text as it was typed.
    let text = match fields.iter().find(|(k, _)| k == "text") {
        Some((_, text)) => Ok(text.clone()),
        None => rule_from_form(&fields),
    };
    let saved = match &text {
        Ok(text) => super::save_rule(&state, &page.user, plan, text).await,
        Err(err) => Err(AppError::bad_request(err.message.clone())),
    };
    match saved {
        Ok(()) => Ok(Redirect::to("/scores").into_response()),
        Err(err) if err.status == axum::http::StatusCode::BAD_REQUEST => {
            let shown = match &text {
                Ok(text) => text.clone(),
                Err(_) => state.store.scoring_rule(plan).await?,
            };
            let html = rule_page(&state, &page, plan, &shown, Some(&err.message))?;
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
