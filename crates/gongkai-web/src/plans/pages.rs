//! 任务清单 and one task's page; the office's plan settings.

use crate::auth::{self, PageUser, unit_scope};
use crate::error::{AppError, AppResult, FormBody};
use crate::ledger::{self};
use crate::page::frame;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_domain::units::UnitKind;
use gongkai_store::{ObligationFilter, PlanId, TaskId};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PlanSettingsForm {
    #[serde(default)]
    csrf: String,
    /// 印发日期; empty leaves it as it is.
    #[serde(default)]
    start: String,
    #[serde(default)]
    head_signoff: Option<String>,
    /// "7、3、1": days before the due date at which units are reminded.
    #[serde(default)]
    lead_days: String,
    #[serde(default)]
    escalate_after: String,
    #[serde(default)]
    notice_days: String,
}

/// Checks reminder rules as the office types them.
pub fn checked_rules(rules: gongkai_domain::supervision::Rules) -> AppResult<gongkai_domain::supervision::Rules> {
    if rules.lead_days.len() > 10 {
        return Err(AppError::bad_request("提前提醒最多设 10 个天数"));
    }
    if rules.lead_days.iter().any(|d| !(1..=90).contains(d)) {
        return Err(AppError::bad_request("提前提醒的天数应在 1 到 90 之间"));
    }
    if !(1..=60).contains(&rules.escalate_after_working_days) || !(1..=60).contains(&rules.notice_working_days) {
        return Err(AppError::bad_request("督办的工作日数应在 1 到 60 之间"));
    }
    Ok(rules)
}

fn rules_from_form(form: &PlanSettingsForm) -> AppResult<gongkai_domain::supervision::Rules> {
    let mut lead_days = Vec::new();
    for part in form.lead_days.split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace()) {
        if part.is_empty() {
            continue;
        }
        lead_days
            .push(part.parse::<i64>().map_err(|_| AppError::bad_request(format!("提前提醒天数“{part}”不是数字")))?);
    }
    let number = |text: &str, what: &str| {
        text.trim().parse::<u32>().map_err(|_| AppError::bad_request(format!("{what}“{text}”不是数字")))
    };
    checked_rules(gongkai_domain::supervision::Rules {
        lead_days,
        escalate_after_working_days: number(&form.escalate_after, "逾期多少个工作日督办")?,
        notice_working_days: number(&form.notice_days, "督办通知给出的工作日数")?,
    })
}

/// A plan's settings (the office): whether unit heads sign reports off, and
/// when units are reminded, chased and sent a 督办通知.
pub async fn plan_settings(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<PlanId>,
    FormBody(form): FormBody<PlanSettingsForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    if !auth::manages(page.user.role) {
        return Err(AppError::forbidden());
    }
    let rules = rules_from_form(&form)?;
    if let Some(start) = gongkai_app::optional_date(&form.start, "印发日期")? {
        gongkai_app::import::correct_start(&state, &page.user, id, start).await?;
    }
    state.store.set_head_signoff(id, form.head_signoff.is_some(), &page.user.login).await?;
    if state.store.plan_rules().await?.get(&id) != Some(&rules) {
        state.store.set_plan_rules(id, &rules, &page.user.login).await?;
    }
    Ok(Redirect::to("/tasks").into_response())
}

/// 任务清单: the list as written, beside how each cell was understood; the
/// office sets each plan's sign-off rule here.
pub async fn tasks(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    let tasks = auth::scope_tasks(&page.user, state.tasks().await?.to_vec());
    let rules = state.store.plan_rules().await?;
    let plans: Vec<serde_json::Value> = state
        .store
        .plans()
        .await?
        .into_iter()
        .map(|p| {
            let r = rules.get(&p.id).cloned().unwrap_or_default();
            let lead: Vec<String> = r.lead_days.iter().map(i64::to_string).collect();
            serde_json::json!({
                "id": p.id, "title": p.title, "region": p.region, "plan_year": p.plan_year, "head_signoff": p.head_signoff,
                "start_date": p.start_date,
                "lead_days": lead.join("、"), "escalate_after": r.escalate_after_working_days, "notice_days": r.notice_working_days,
            })
        })
        .collect();
    let html = state.render(
        "plans/tasks.html",
        serde_json::json!({ "frame": frame(&state, &page), "tasks": tasks, "plans": plans, "manages": auth::manages(page.user.role) }),
    )?;
    Ok(Html(html))
}

/// One task with every unit's obligations (a unit's staff see their own);
/// the office confirms the members of a "…等相关部门" group here.
pub async fn task(State(state): State<AppState>, page: PageUser, Path(id): Path<TaskId>) -> AppResult<Html<String>> {
    let tasks = auth::scope_tasks(&page.user, state.tasks().await?.to_vec());
    let task = tasks.into_iter().find(|t| t.id == id).ok_or_else(AppError::not_found)?;
    let scope = unit_scope(&page.user)?;
    let own =
        state.store.obligations(&ObligationFilter { unit: scope, task_id: Some(id), ..Default::default() }).await?;
    let today = state.today();
    let rows: Vec<ledger::Row> = own.into_iter().map(|o| ledger::row(o, today)).collect();
    let manages = auth::manages(page.user.role);
    let candidates: Vec<serde_json::Value> = if manages {
        state
            .directory()
            .await?
            .units()
            .iter()
            .filter(|u| !matches!(u.kind, UnitKind::Village | UnitKind::Community))
            .map(|u| serde_json::json!({ "name": u.name, "kind": u.kind.label(), "bound": task.units.contains(&u.name) }))
            .collect()
    } else {
        Vec::new()
    };
    let html = state.render(
        "plans/task.html",
        serde_json::json!({ "frame": frame(&state, &page), "task": task, "rows": rows, "manages": manages, "candidates": candidates }),
    )?;
    Ok(Html(html))
}
