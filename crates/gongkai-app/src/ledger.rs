//! The 台账 as people read it: every obligation with its dates in words, a
//! traffic light, and on time or late by how many days.

use chrono::NaiveDate;
use gongkai_store::ObligationRow;
use serde::Serialize;

use gongkai_domain::status::Light;
pub use gongkai_domain::status::SOON_DAYS;

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

/// Dates in words, traffic light (the domain's rule), and on time or late,
/// as of `today`.
pub fn row(o: ObligationRow, today: NaiveDate) -> Row {
    let when = match (o.kind.as_str(), o.from, o.due) {
        ("start", Some(from), _) => format!("{from} 起"),
        ("window", Some(from), Some(due)) => format!("{from} 至 {due}"),
        (_, _, Some(due)) => format!("{due} 前"),
        ("relative", ..) => "按事件起算".into(),
        _ => "长期".into(),
    };
    let light = Light::of(o.status, o.due, today);
    let (days, timing, late) = match (light, o.due) {
        (Light::Done, Some(due)) => {
            let late_by = o.done_on.map_or(0, |done| (done - due).num_days());
            if late_by > 0 {
                (Some(late_by), format!("逾期 {late_by} 天完成"), true)
            } else {
                (None, "按时完成".to_string(), false)
            }
        }
        (Light::Done, None) => (None, "已完成".to_string(), false),
        (Light::Red, Some(due)) => {
            let by = (today - due).num_days();
            (Some(by), format!("已逾期 {by} 天"), true)
        }
        (_, Some(due)) => {
            let left = (due - today).num_days();
            (Some(left), if left == 0 { "今天到期".to_string() } else { format!("{left} 天后到期") }, false)
        }
        (_, None) => (None, "无固定期限".to_string(), false),
    };
    Row { status_label: o.status.label(), when, light: light.as_str(), days, timing, late, o }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(text: &str) -> String {
    const UNRESERVED: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    percent_encoding::utf8_percent_encode(text, UNRESERVED).to_string()
}

/// A 台账 list's query from its filter fields: "?unit=%E6%B8%A9…&light=red".
pub fn query(fields: &[(&str, &str)]) -> String {
    let pairs: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect();
    format!("?{}", pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_store::{ObligationId, PlanId, TaskId};

    fn obligation(status: &str, due: Option<&str>, done_on: Option<&str>) -> ObligationRow {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        ObligationRow {
            id: ObligationId(1),
            plan_id: PlanId(1),
            task_id: TaskId(1),
            task_seq: 1,
            unit: "温泉镇".into(),
            milestone: "报区民政局".into(),
            kind: "due".into(),
            due: due.map(day),
            from: None,
            to: None,
            status: status.parse().unwrap(),
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
}
