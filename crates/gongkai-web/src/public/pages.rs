//! Public pages (no sign-in): each programme's progress by plan item and by
//! unit, the addresses where units published what the tasks required, the
//! plan text, and a calendar of its due dates. Nothing internal — report
//! text, files, reasons for returns, people — unless a reviewer made a
//! report's text public.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use gongkai_store::{ObligationFilter, PlanId, PlanRow};

async fn plan(state: &AppState, id: PlanId) -> AppResult<PlanRow> {
    state.store.plans().await?.into_iter().find(|p| p.id == id).ok_or_else(AppError::not_found)
}

pub async fn index(State(state): State<AppState>) -> AppResult<Html<String>> {
    let plans = state.store.plans().await?;
    Ok(Html(state.render("public/index.html", serde_json::json!({ "frame": null, "plans": plans }))?))
}

/// A plan's progress: built from the database's counts, kept until the
/// ledger changes or the day turns (it is the page the public reloads).
pub async fn progress(State(state): State<AppState>, Path(id): Path<PlanId>) -> AppResult<Html<String>> {
    let plan = plan(&state, id).await?;
    let state_in = state.clone();
    let page = state
        .public_page(id, move |all_tasks, board| async move {
            let state = state_in;
            let tasks: Vec<&gongkai_store::TaskRow> = all_tasks.iter().filter(|t| t.plan_id == id).collect();
            // Public bars link nowhere internal.
            let strip = |shares: Vec<gongkai_app::dashboard::Share>| -> Vec<gongkai_app::dashboard::Share> {
                shares
                    .into_iter()
                    .map(|s| gongkai_app::dashboard::Share { link: format!("/public/plans/{id}#published"), ..s })
                    .collect()
            };
            let (by_item, by_unit) = (strip(board.by_item), strip(board.by_unit));
            let published = state.store.published(id).await?;
            state.render(
                "public/plan.html",
                serde_json::json!({
                    "frame": null, "plan": plan, "tasks": tasks, "published": published,
                    "totals": { "all": board.totals.all, "done": board.totals.done },
                    "units_total": board.units_total,
                    "by_item": crate::ledger::chart::bar_chart("按方案项目的完成情况", &by_item),
                    "by_unit": crate::ledger::chart::bar_chart("按单位的完成情况", &by_unit),
                    "today": board.today,
                }),
            )
        })
        .await?;
    Ok(Html(page.as_str().to_owned()))
}

/// The plan's due dates as a calendar anyone may subscribe to: one event
/// per task requirement and date.
pub async fn calendar(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let id: PlanId = file.strip_suffix(".ics").and_then(|i| i.parse().ok()).ok_or_else(AppError::not_found)?;
    let plan = plan(&state, id).await?;
    let mut events: Vec<(chrono::NaiveDate, i32, String)> = state
        .store
        .obligations(&ObligationFilter { plan_id: Some(id), ..Default::default() })
        .await?
        .into_iter()
        .filter_map(|o| o.due.map(|due| (due, o.task_seq, o.milestone)))
        .collect();
    events.sort();
    events.dedup();
    let ics = crate::calendar::ics(
        &format!("{} 到期日", plan.title),
        events.iter().map(|(due, seq, milestone)| {
            (format!("plan-{id}-task-{seq}-{due}"), *due, format!("任务{seq} {milestone}"))
        }),
    );
    Ok(([(CONTENT_TYPE, "text/calendar; charset=utf-8")], ics).into_response())
}
