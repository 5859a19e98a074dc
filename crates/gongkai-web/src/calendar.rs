//! 日历: a month of due dates on a page, and a per-unit ICS feed at a secret
//! address that calendar programs can subscribe to without signing in.

use crate::auth::{PageUser, unit_scope};
use crate::error::{AppError, AppResult, FormBody};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Datelike, Duration, NaiveDate};
use gongkai_app::secrets;
use gongkai_store::{ObligationFilter, ObligationRow};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct MonthQuery {
    /// `YYYY-MM`; the current month by default.
    month: Option<String>,
}

/// The first day of the month asked for (`YYYY-MM`, 2000–2100), or of
/// today's; any other text is refused before a date is computed from it.
fn first_of_month(text: Option<&str>, today: NaiveDate) -> AppResult<NaiveDate> {
    match text.map(str::trim) {
        None | Some("") => Ok(today.with_day(1).unwrap_or(today)),
        Some(m) => {
            let shown: String = m.chars().take(20).collect();
            crate::ledger::date(&Some(format!("{m}-01")), "月份")
                .ok()
                .flatten()
                .ok_or_else(|| AppError::bad_request(format!("月份“{shown}”应写作 YYYY-MM（2000 至 2100 年）")))
        }
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
    let events =
        list.iter().filter(|o| o.status != gongkai_domain::status::ObligationStatus::Accepted).filter_map(|o| {
            o.due.map(|due| (format!("obligation-{}", o.id), due, format!("截止：任务{} {}", o.task_seq, o.milestone)))
        });
    let ics = ics(&format!("{unit} 政务公开任务"), events);
    Ok(([(CONTENT_TYPE, "text/calendar; charset=utf-8")], ics).into_response())
}

/// A calendar of all-day events: (stable id, day, summary), written by the
/// `icalendar` crate (escaping and folding per RFC 5545).
pub fn ics(name: &str, events: impl Iterator<Item = (String, NaiveDate, String)>) -> String {
    use icalendar::{Component, EventLike};
    let mut calendar = icalendar::Calendar::new();
    calendar.append_property(icalendar::Property::new("PRODID", "-//gongkai//政务公开任务台账//ZH"));
    calendar.name(&ics_text(name));
    for (uid, day, summary) in events {
        let event = icalendar::Event::new()
            .uid(&format!("{uid}@gongkai"))
            .summary(&ics_text(&summary))
            .starts(day)
            .ends(day + Duration::days(1))
            .done();
        calendar.push(event);
    }
    calendar.done().to_string()
}

/// Text as a calendar may carry it. The crate escapes line feeds but passes
/// a bare carriage return through, which calendar programs read as the end
/// of a line (an injected event): every line break becomes one `\n`, other
/// control characters go.
fn ics_text(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n").chars().filter(|c| *c == '\n' || !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    fn unfolded(ics: &str) -> Vec<String> {
        ics.replace("\r\n ", "").split("\r\n").map(String::from).collect()
    }

    #[test]
    fn a_carriage_return_in_a_title_cannot_start_an_event() {
        let day = NaiveDate::from_ymd_opt(2020, 11, 30).unwrap();
        let evil = "截止\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:假事件\r\nDTSTART:20201201";
        let ics = super::ics("温泉镇\r任务", std::iter::once(("o-1".to_string(), day, evil.to_string())));
        assert!(!ics.replace("\r\n", "").contains('\r'), "a bare CR is left: {ics:?}");
        let lines = unfolded(&ics);
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 1, "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("SUMMARY:截止\\nEND:VEVENT\\nBEGIN:VEVENT")), "{lines:?}");
    }

    #[test]
    fn long_lines_fold_without_splitting_characters() {
        let day = NaiveDate::from_ymd_opt(2020, 11, 30).unwrap();
        let long = "政务公开".repeat(20);
        let ics = super::ics("日历", std::iter::once(("o-1".to_string(), day, long.clone())));
        assert!(ics.split("\r\n").all(|l| l.len() <= 75), "{ics}");
        assert!(unfolded(&ics).contains(&format!("SUMMARY:{long}")));
    }

    #[test]
    fn months_outside_the_supported_years_are_refused() {
        let today = NaiveDate::from_ymd_opt(2020, 11, 25).unwrap();
        for bad in ["-262143-01", "262143-12", "1999-12", "2101-01", "2020-13", "abc"] {
            assert!(super::first_of_month(Some(bad), today).is_err(), "{bad}");
        }
        assert_eq!(
            super::first_of_month(Some("2020-02"), today).unwrap(),
            NaiveDate::from_ymd_opt(2020, 2, 1).unwrap()
        );
    }
}
