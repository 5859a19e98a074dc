//! 日历: a month of due dates on a page, and a per-unit ICS feed at a secret
//! address that calendar programs can subscribe to without signing in.
//!
//! May use: the shared pieces and `ledger` (its checks of a form's fields);
//! `gongkai_app::secrets` (feed addresses).

pub mod pages;

use crate::routes::{Group, Routes};
pub mod api;

use crate::auth::unit_scope;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::{Datelike, Duration, NaiveDate};
use gongkai_app::secrets;
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

pub fn routes(routes: Routes) -> Routes {
    routes
        .get(Group::Public, "/feeds/{file}", pages::feed)
        .get(Group::Pages, "/calendar", pages::month)
        .post(Group::Pages, "/calendar/feed", pages::new_feed)
        .post(Group::Api, "/api/v1/calendar/feeds", api::new_feed)
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
