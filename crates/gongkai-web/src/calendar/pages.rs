use super::*;
use crate::auth::{PageUser, unit_scope};
use crate::error::{AppError, AppResult, FormBody};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Datelike, Duration};
use gongkai_app::secrets;
use gongkai_store::{ObligationFilter, ObligationRow};

/// The month view: weeks from Monday, each day with what falls due on it.
pub async fn month(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<MonthQuery>,
) -> AppResult<Html<String>> {
    let first = super::first_of_month(query.month.as_deref(), state.today())?;
    let next = (first + Duration::days(32)).with_day(1).unwrap_or(first);
    let scope = unit_scope(&page.user)?;
    let list = state
        .store
        .obligations(&ObligationFilter { unit: scope.clone(), due_before: Some(next), ..Default::default() })
        .await?;
    let due: Vec<&ObligationRow> = list.iter().filter(|o| o.due.is_some_and(|d| d >= first)).collect();
    let calendar = state.store.calendar().await?;
    let mut weeks: Vec<Vec<serde_json::Value>> = Vec::new();
    let mut day = first - Duration::days(first.weekday().num_days_from_monday() as i64);
    while day < next {
        let mut week = Vec::with_capacity(7);
        for _ in 0..7 {
            let items: Vec<serde_json::Value> = due
                .iter()
                .filter(|o| o.due == Some(day))
                .map(|o| serde_json::json!({ "id": o.id, "task_seq": o.task_seq, "unit": o.unit, "milestone": o.milestone, "status": o.status }))
                .collect();
            // 休 and 班 as the State Council's schedule moves them.
            let (mark, holiday) = match calendar.special(day) {
                Some((gongkai_domain::calendar::DayKind::Holiday, name)) => ("休", name),
                Some((gongkai_domain::calendar::DayKind::Workday, name)) => ("班", name),
                None => ("", ""),
            };
            let list = format!("/my?from={day}&to={day}");
            week.push(serde_json::json!({
                "day": day.day(), "in_month": day.month() == first.month(), "today": day == state.today(),
                "items": items, "mark": mark, "holiday": holiday, "list": list,
            }));
            day += Duration::days(1);
        }
        weeks.push(week);
    }
    let previous = (first - Duration::days(1)).format("%Y-%m").to_string();
    let html = state.render(
        "calendar/calendar.html",
        serde_json::json!({
            "frame": crate::page::frame_json(&state, &page),
            "title": format!("{}年{}月", first.year(), first.month()),
            "weeks": weeks, "previous": previous, "next": next.format("%Y-%m").to_string(),
            "unit": scope, "feed": null,
        }),
    )?;
    Ok(Html(html))
}

/// Makes a new subscription address for the user's unit and shows it once.
pub async fn new_feed(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<FeedForm>,
) -> AppResult<Html<String>> {
    page.check_csrf(&form.csrf)?;
    let (unit, token) = super::make_feed(&state, &page.user).await?;
    let html = state.render(
        "calendar/calendar.html",
        serde_json::json!({
            "frame": crate::page::frame_json(&state, &page), "title": "日历订阅", "weeks": [], "previous": null, "next": null,
            "unit": unit, "feed": token,
        }),
    )?;
    Ok(Html(html))
}

/// The ICS feed: one all-day event per due date of the unit's open work.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").ok_or_else(AppError::not_found)?;
    let unit = state.store.feed_unit(&secrets::secret_hash(token)).await?.ok_or_else(AppError::not_found)?;
    let list = state.store.obligations(&ObligationFilter { unit: Some(unit.clone()), ..Default::default() }).await?;
    let events =
        list.iter().filter(|o| o.status != gongkai_domain::status::ObligationStatus::Accepted).filter_map(|o| {
            o.due.map(|due| (format!("obligation-{}", o.id), due, format!("截止：任务{} {}", o.task_seq, o.milestone)))
        });
    let ics = super::ics(&format!("{unit} 政务公开任务"), events);
    Ok(([(CONTENT_TYPE, "text/calendar; charset=utf-8")], ics).into_response())
}
