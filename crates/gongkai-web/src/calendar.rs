//! 日历: a month of due dates on a page, and a per-unit ICS feed at a secret
//! address that calendar programs can subscribe to without signing in.

use crate::auth::{PageUser, unit_scope};
use crate::error::{AppError, AppResult, FormBody};
use crate::secrets;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Datelike, Duration, NaiveDate};
use gongkai_store::{ObligationFilter, ObligationRow};
use serde::Deserialize;
use std::fmt::Write as _;

#[derive(Deserialize)]
pub struct MonthQuery {
    /// `YYYY-MM`; the current month by default.
    month: Option<String>,
}

fn first_of_month(text: Option<&str>, today: NaiveDate) -> AppResult<NaiveDate> {
    match text {
        None | Some("") => Ok(today.with_day(1).unwrap_or(today)),
        Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .map_err(|_| AppError::bad_request("月份应写作 YYYY-MM")),
    }
}

/// The month view: weeks from Monday, each day with what falls due on it.
pub async fn month(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<MonthQuery>,
) -> AppResult<Html<String>> {
    let first = first_of_month(query.month.as_deref(), state.today())?;
    let next = (first + Duration::days(32)).with_day(1).unwrap_or(first);
    let scope = unit_scope(&page.user)?;
    let list = state
        .store
        .obligations(&ObligationFilter { unit: scope.clone(), due_before: Some(next), ..Default::default() })
        .await?;
    let due: Vec<&ObligationRow> = list.iter().filter(|o| o.due.is_some_and(|d| d >= first)).collect();
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
            week.push(serde_json::json!({ "day": day.day(), "in_month": day.month() == first.month(), "today": day == state.today(), "items": items }));
            day += Duration::days(1);
        }
        weeks.push(week);
    }
    let previous = (first - Duration::days(1)).format("%Y-%m").to_string();
    let html = state.render(
        "calendar.html",
        serde_json::json!({
            "frame": crate::pages::frame_json(&state, &page),
            "title": format!("{}年{}月", first.year(), first.month()),
            "weeks": weeks, "previous": previous, "next": next.format("%Y-%m").to_string(),
            "unit": scope, "feed": null,
        }),
    )?;
    Ok(Html(html))
}

#[derive(Deserialize)]
pub struct FeedForm {
    csrf: String,
}

/// A new secret subscription address for the user's unit: only its hash is
/// kept, so it can be shown this once.
async fn make_feed(state: &AppState, user: &gongkai_store::User) -> AppResult<(String, String)> {
    let unit =
        unit_scope(user)?.ok_or_else(|| AppError::bad_request("订阅地址按单位生成：请用本单位的承办人或负责人账号"))?;
    let token = secrets::new_secret().map_err(|e| AppError::internal(e.to_string()))?;
    state.store.create_feed(&unit, &secrets::secret_hash(&token), &user.login).await?;
    Ok((unit, token))
}

/// `POST /api/v1/calendar/feeds`: the same, for a script.
pub async fn api_new_feed(
    State(state): State<AppState>,
    crate::auth::TokenUser(user): crate::auth::TokenUser,
) -> AppResult<axum::Json<serde_json::Value>> {
    let (unit, token) = make_feed(&state, &user).await.map_err(AppError::as_json)?;
    Ok(axum::Json(serde_json::json!({ "unit": unit, "path": format!("/feeds/{token}.ics") })))
}

/// Makes a new subscription address for the user's unit and shows it once.
pub async fn new_feed(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<FeedForm>,
) -> AppResult<Html<String>> {
    page.check_csrf(&form.csrf)?;
    let (unit, token) = make_feed(&state, &page.user).await?;
    let html = state.render(
        "calendar.html",
        serde_json::json!({
            "frame": crate::pages::frame_json(&state, &page), "title": "日历订阅", "weeks": [], "previous": null, "next": null,
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
    let events = list.iter().filter(|o| o.status != "accepted").filter_map(|o| {
        o.due.map(|due| (format!("obligation-{}", o.id), due, format!("截止：任务{} {}", o.task_seq, o.milestone)))
    });
    let ics = ics(&format!("{unit} 政务公开任务"), events);
    Ok(([(CONTENT_TYPE, "text/calendar; charset=utf-8")], ics).into_response())
}

/// A calendar of all-day events: (stable id, day, summary).
pub fn ics(name: &str, events: impl Iterator<Item = (String, NaiveDate, String)>) -> String {
    let mut ics = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//gongkai//政务公开任务台账//ZH\r\nCALSCALE:GREGORIAN\r\n",
    );
    let _ = write!(ics, "{}", fold(&format!("X-WR-CALNAME:{}", escape(name))));
    for (uid, day, summary) in events {
        let _ = write!(ics, "BEGIN:VEVENT\r\nUID:{uid}@gongkai\r\nDTSTAMP:{}T000000Z\r\n", day.format("%Y%m%d"));
        let _ = write!(
            ics,
            "DTSTART;VALUE=DATE:{}\r\nDTEND;VALUE=DATE:{}\r\n",
            day.format("%Y%m%d"),
            (day + Duration::days(1)).format("%Y%m%d")
        );
        let _ = write!(ics, "{}", fold(&format!("SUMMARY:{}", escape(&summary))));
        ics.push_str("END:VEVENT\r\n");
    }
    ics.push_str("END:VCALENDAR\r\n");
    ics
}

/// ICS text escaping.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// Folds a content line at 75 octets without splitting a character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_lines_fold_without_splitting_characters() {
        let folded = super::fold(&format!("SUMMARY:{}", "政务公开".repeat(20)));
        assert!(folded.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(folded.replace("\r\n ", ""), format!("SUMMARY:{}\r\n", "政务公开".repeat(20)));
    }
}
