//! The 台账 as people read it: every obligation with its dates in words, a
//! traffic light, and on time or late by how many days — filtered and sorted
//! the same way on the pages and in the API.

use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use gongkai_store::{Light, ObligationFilter, ObligationRow, Order, TaskRow, User};
use serde::{Deserialize, Serialize};

pub use gongkai_store::SOON_DAYS;

/// Rows on one page of the 台账; the API's default page is the same size.
pub const PAGE_ROWS: usize = 1000;

/// An obligation as a row in a list.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    #[serde(flatten)]
    pub o: ObligationRow,
    /// The dates in words: "2020-11-30 前", "2020-06-01 至 2020-06-30".
    pub when: String,
    pub status_label: &'static str,
    /// red (overdue), yellow (due within 7 days), green, done (accepted).
    pub light: &'static str,
    /// Days overdue (red), days left (yellow, green), days late (done late).
    pub days: Option<i64>,
    /// On time or late in words: "按时完成", "逾期 3 天完成", "已逾期 12 天".
    pub timing: String,
    /// Done after its due date.
    pub late: bool,
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "pending" => "待报送",
        "submitted" => "已报送",
        "signed" => "已签发",
        "accepted" => "已通过",
        "returned" => "已退回",
        _ => "未知",
    }
}

/// Dates in words, traffic light, and on time or late, as of `today`.
pub fn row(o: ObligationRow, today: NaiveDate) -> Row {
    let when = match (o.kind.as_str(), o.from, o.due) {
        ("start", Some(from), _) => format!("{from} 起"),
        ("window", Some(from), Some(due)) => format!("{from} 至 {due}"),
        (_, _, Some(due)) => format!("{due} 前"),
        ("relative", ..) => "按事件起算".into(),
        _ => "长期".into(),
    };
    let (light, days, timing, late) = match (o.status.as_str(), o.due) {
        ("accepted", Some(due)) => {
            let late_by = o.done_on.map_or(0, |done| (done - due).num_days());
            if late_by > 0 {
                ("done", Some(late_by), format!("逾期 {late_by} 天完成"), true)
            } else {
                ("done", None, "按时完成".to_string(), false)
            }
        }
        ("accepted", None) => ("done", None, "已完成".to_string(), false),
        (_, Some(due)) if due < today => {
            let by = (today - due).num_days();
            ("red", Some(by), format!("已逾期 {by} 天"), true)
        }
        (_, Some(due)) => {
            let left = (due - today).num_days();
            let light = if left <= SOON_DAYS { "yellow" } else { "green" };
            (light, Some(left), if left == 0 { "今天到期".to_string() } else { format!("{left} 天后到期") }, false)
        }
        (_, None) => ("green", None, "无固定期限".to_string(), false),
    };
    Row { status_label: status_label(&o.status), when, light, days, timing, late, o }
}

/// What a list may be narrowed to and sorted by; every field is optional.
/// Dates are text so that an empty form field means "any".
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct LedgerQuery {
    #[serde(default)]
    pub unit: Option<String>,
    /// pending, submitted, signed, accepted, returned.
    #[serde(default)]
    pub status: Option<String>,
    /// red, yellow, green, done, late.
    #[serde(default)]
    pub light: Option<String>,
    /// A task's id.
    #[serde(default)]
    pub task: Option<String>,
    /// A plan item: "（十三）".
    #[serde(default)]
    pub item: Option<String>,
    /// Due on or after.
    #[serde(default)]
    pub from: Option<String>,
    /// Due on or before.
    #[serde(default)]
    pub to: Option<String>,
    /// due (default), unit, task, status, light.
    #[serde(default)]
    pub sort: Option<String>,
    /// "1" sorts descending.
    #[serde(default)]
    pub desc: Option<String>,
    /// Page of [`PAGE_ROWS`] rows, from 1.
    #[serde(default)]
    pub page: Option<String>,
}

pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// An optional date field: empty is none, anything else must be YYYY-MM-DD
/// in the years a programme can have (2000–2100).
pub fn date(value: &Option<String>, what: &str) -> AppResult<Option<NaiveDate>> {
    given(value)
        .map(|v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d").ok().filter(|d| gongkai_domain::calendar::in_range(*d)).ok_or_else(
                || {
                    let shown: String = v.chars().take(20).collect();
                    AppError::bad_request(format!("{what}“{shown}”应写作 YYYY-MM-DD（2000 至 2100 年）"))
                },
            )
        })
        .transpose()
}

impl LedgerQuery {
    /// The unit to read from the store: a unit's staff are held to their own,
    /// whatever they ask for; `Err` means they asked for another unit's.
    pub fn unit_for(&self, user: &User) -> AppResult<Result<Option<String>, ()>> {
        let scope = crate::auth::unit_scope(user)?;
        Ok(match (scope, given(&self.unit)) {
            (Some(own), Some(asked)) if asked != own => Err(()),
            (Some(own), _) => Ok(Some(own)),
            (None, asked) => Ok(asked.map(String::from)),
        })
    }

    /// The page asked for: 1 when not given.
    pub fn page_number(&self) -> AppResult<i64> {
        match given(&self.page) {
            None => Ok(1),
            Some(p) => p
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=1_000_000).contains(n))
                .ok_or_else(|| AppError::bad_request(format!("页码“{p}”无效：应为 1 起的整数"))),
        }
    }

    /// The store filter for this query, checked: every field that is given
    /// must make sense, or the answer names it. Plan items become the ids of
    /// the tasks that carry them.
    pub fn filter(&self, tasks: &[TaskRow], today: NaiveDate) -> AppResult<ObligationFilter> {
        let due_from = date(&self.from, "起始日期")?;
        let due_to = date(&self.to, "截止日期")?;
        let task_id = given(&self.task)
            .map(|t| t.parse::<i64>().map_err(|_| AppError::bad_request(format!("任务编号“{t}”不是数字"))))
            .transpose()?;
        let status = given(&self.status);
        if let Some(s) = status
            && status_label(s) == "未知"
        {
            return Err(AppError::bad_request(format!(
                "状态“{s}”无效：可选 pending、submitted、signed、accepted、returned"
            )));
        }
        let light = given(&self.light)
            .map(|l| {
                Light::parse(l).ok_or_else(|| {
                    AppError::bad_request(format!("提示灯“{l}”无效：可选 red、yellow、green、done、late"))
                })
            })
            .transpose()?;
        let task_ids = given(&self.item)
            .map(|item| tasks.iter().filter(|t| t.items.iter().any(|x| x == item)).map(|t| t.id).collect());
        let order = match given(&self.sort).unwrap_or("due") {
            "due" => Order::Due,
            "unit" => Order::Unit,
            "task" => Order::Task,
            "status" => Order::Status,
            "light" => Order::Light,
            other => {
                return Err(AppError::bad_request(format!("排序“{other}”无效：可选 due、unit、task、status、light")));
            }
        };
        Ok(ObligationFilter {
            due_from,
            due_to,
            task_id,
            task_ids,
            status: status.map(String::from),
            light,
            as_of: Some(today),
            order,
            desc: given(&self.desc) == Some("1"),
            ..Default::default()
        })
    }

    /// This query as a URL query string with one field changed, for links
    /// (sort headers, filters on a dashboard).
    pub fn with(&self, field: &str, value: &str) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (name, current) in [
            ("unit", &self.unit),
            ("status", &self.status),
            ("light", &self.light),
            ("task", &self.task),
            ("item", &self.item),
            ("from", &self.from),
            ("to", &self.to),
            ("sort", &self.sort),
            ("desc", &self.desc),
            ("page", &self.page),
        ] {
            // Any other change starts again at the first page.
            if name == "page" && field != "page" {
                continue;
            }
            let value = if name == field { Some(value) } else { given(current) };
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                pairs.push((name, value.to_string()));
            }
        }
        let encoded: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect();
        format!("?{}", encoded.join("&"))
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obligation(status: &str, due: Option<&str>, done_on: Option<&str>) -> ObligationRow {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        ObligationRow {
            id: 1,
            plan_id: 1,
            task_id: 1,
            task_seq: 1,
            unit: "温泉镇".into(),
            milestone: "报区民政局".into(),
            kind: "due".into(),
            due: due.map(day),
            from: None,
            to: None,
            status: status.into(),
            recipient: None,
            channel: None,
            done_on: done_on.map(day),
            signoff: false,
        }
    }

    #[test]
    fn on_time_or_late_comes_from_the_dates() {
        let today = NaiveDate::from_ymd_opt(2020, 12, 10).unwrap();
        let done_late = row(obligation("accepted", Some("2020-11-30"), Some("2020-12-03")), today);
        assert_eq!((done_late.light, done_late.days, done_late.late), ("done", Some(3), true));
        assert_eq!(done_late.timing, "逾期 3 天完成");
        let on_time = row(obligation("accepted", Some("2020-11-30"), Some("2020-11-30")), today);
        assert_eq!((on_time.timing.as_str(), on_time.late), ("按时完成", false));
        let overdue = row(obligation("returned", Some("2020-11-30"), None), today);
        assert_eq!((overdue.light, overdue.days, overdue.timing.as_str()), ("red", Some(10), "已逾期 10 天"));
        let soon = row(obligation("pending", Some("2020-12-17"), None), today);
        assert_eq!((soon.light, soon.days), ("yellow", Some(7)));
        let later = row(obligation("pending", Some("2020-12-18"), None), today);
        assert_eq!(later.light, "green");
    }

    #[test]
    fn links_keep_the_other_filters_and_encode_chinese() {
        let query = LedgerQuery { unit: Some("温泉镇".into()), light: Some("red".into()), ..Default::default() };
        assert_eq!(query.with("sort", "unit"), "?unit=%E6%B8%A9%E6%B3%89%E9%95%87&light=red&sort=unit");
        assert_eq!(query.with("light", ""), "?unit=%E6%B8%A9%E6%B3%89%E9%95%87");
    }

    #[test]
    fn bad_filters_are_named() {
        let today = NaiveDate::from_ymd_opt(2020, 12, 10).unwrap();
        let bad = LedgerQuery { from: Some("12/01/2020".into()), ..Default::default() };
        assert!(bad.filter(&[], today).unwrap_err().message.contains("12/01/2020"));
        let bad = LedgerQuery { sort: Some("colour".into()), ..Default::default() };
        assert!(bad.filter(&[], today).unwrap_err().message.contains("colour"));
    }
}
