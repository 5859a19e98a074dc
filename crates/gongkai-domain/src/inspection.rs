//! 网上巡查: what an inspector concludes from one catalogue item's column as
//! read on the unit's website, against the item's 公开时限 and the records
//! the unit says it published under it. Each finding has a key that names
//! the same problem from one run to the next, so a later run can tell what
//! was fixed and what is new.

use crate::calendar::Calendar;
use crate::catalogue::{Timeliness, timeliness};
use crate::timelimit::{Cycle, TimeLimit};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// The column does not open (404, no answer) or lists nothing.
    Missing,
    /// The newest item is older than the item's refresh cycle, or a year.
    Stale,
    /// Listed later than the event day plus the time limit.
    Late,
    /// A listed or recorded link leads nowhere.
    Broken,
    /// A record the unit entered is not listed under the item's column.
    Unlisted,
}

impl FindingKind {
    pub const ALL: [FindingKind; 5] =
        [FindingKind::Missing, FindingKind::Stale, FindingKind::Late, FindingKind::Broken, FindingKind::Unlisted];

    /// Stored, and printed by `gongkai inspect run --json`.
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::Missing => "missing",
            FindingKind::Stale => "stale",
            FindingKind::Late => "late",
            FindingKind::Broken => "broken",
            FindingKind::Unlisted => "unlisted",
        }
    }

    pub fn from_code(code: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::Missing => "栏目缺失",
            FindingKind::Stale => "长期未更新",
            FindingKind::Late => "公开不及时",
            FindingKind::Broken => "链接失效",
            FindingKind::Unlisted => "信息未在栏目发布",
        }
    }
}

/// An item listed on a column page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    pub title: String,
    pub date: NaiveDate,
    pub url: String,
}

/// A record the unit entered as published under the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub title: String,
    pub url: String,
    pub published_on: NaiveDate,
    pub event_on: Option<NaiveDate>,
}

/// A column as the inspector read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnSeen {
    pub url: String,
    /// Why the first page could not be read (404, no answer), in words.
    pub failure: Option<String>,
    pub items: Vec<Listed>,
    /// Every page was read (the list ends); otherwise the reading stopped
    /// at items older than the inspection looks back to.
    pub complete: bool,
    /// Links that lead nowhere: (address, why).
    pub broken: Vec<(String, String)>,
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The address the problem is at (the column, or an item's page).
    pub url: String,
    /// What the inspector saw, in words.
    pub evidence: String,
    /// Names the same problem in the next run: kind and address (or the
    /// record's title for a record without an address).
    pub key: String,
}

impl Finding {
    fn new(kind: FindingKind, url: &str, subject: &str, evidence: String) -> Finding {
        Finding { kind, url: url.to_string(), evidence, key: format!("{}:{subject}", kind.code()) }
    }
}

/// The longest a column may go without a new item: its refresh cycle, or a year.
pub fn stale_after(rule: &TimeLimit) -> chrono::Days {
    chrono::Days::new(match rule.refresh.map(|r| r.every) {
        Some(Cycle::Month) => 31,
        Some(Cycle::Quarter) => 92,
        Some(Cycle::HalfYear) => 183,
        Some(Cycle::Year) | None => 366,
    })
}

/// The findings on one item's column as of `today`.
pub fn judge(
    rule: &TimeLimit,
    records: &[Recorded],
    column: &ColumnSeen,
    today: NaiveDate,
    calendar: &Calendar,
) -> Vec<Finding> {
    let at = column.url.as_str();
    if let Some(failure) = &column.failure {
        return vec![Finding::new(FindingKind::Missing, at, at, failure.clone())];
    }
    let Some(newest) = column.items.iter().map(|i| i.date).max() else {
        return vec![Finding::new(FindingKind::Missing, at, at, "栏目页面打开后没有列出任何信息".into())];
    };
    let mut findings = Vec::new();
    let limit = stale_after(rule);
    if today.checked_sub_days(limit).is_some_and(|since| newest < since) {
        let cycle = match rule.refresh.map(|r| r.every) {
            Some(Cycle::Month) => "每月",
            Some(Cycle::Quarter) => "每季度",
            Some(Cycle::HalfYear) => "每半年",
            Some(Cycle::Year) => "每年",
            None => "一年内",
        };
        findings.push(Finding::new(
            FindingKind::Stale,
            at,
            at,
            format!("最近一条信息发布于 {newest}，已 {} 天未更新（应{cycle}更新）", (today - newest).num_days()),
        ));
    }
    for (url, why) in &column.broken {
        findings.push(Finding::new(FindingKind::Broken, url, url, format!("链接打不开：{why}")));
    }
    let oldest = column.items.iter().map(|i| i.date).min().unwrap_or(newest);
    for record in records {
        let listed =
            column.items.iter().find(|i| same_page(&i.url, &record.url) || same_title(&i.title, &record.title));
        let subject = if record.url.is_empty() { record.title.as_str() } else { record.url.as_str() };
        let place = if record.url.is_empty() { at } else { record.url.as_str() };
        let Some(listed) = listed else {
            // Only what the reading reached back to can be missed.
            if column.complete || record.published_on >= oldest {
                findings.push(Finding::new(
                    FindingKind::Unlisted,
                    place,
                    subject,
                    format!("登记于 {} 公开的“{}”未在该栏目中找到", record.published_on, record.title),
                ));
            }
            continue;
        };
        // A year the calendar does not hold is not judged for lateness.
        if let Ok(Timeliness::Late { due, working_days }) =
            timeliness(rule.main_clause(), record.event_on, listed.date, calendar)
        {
            let event = record.event_on.map(|d| d.to_string()).unwrap_or_default();
            findings.push(Finding::new(
                FindingKind::Late,
                &listed.url,
                subject,
                format!(
                    "“{}”网页发布于 {}，事项发生于 {event}，应于 {due} 前公开，逾期 {working_days} 个工作日",
                    listed.title, listed.date
                ),
            ));
        }
    }
    findings
}

/// Two addresses of one page (http/https, a trailing slash, a fragment aside).
fn same_page(a: &str, b: &str) -> bool {
    let norm = |u: &str| {
        let u = u.trim();
        let u = u.split('#').next().unwrap_or(u);
        let u = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://")).unwrap_or(u);
        u.trim_end_matches('/').to_string()
    };
    !a.trim().is_empty() && !b.trim().is_empty() && norm(a) == norm(b)
}

/// Titles equal once spaces are taken out.
fn same_title(a: &str, b: &str) -> bool {
    let norm = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    !a.trim().is_empty() && norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn listed(title: &str, date: &str, url: &str) -> Listed {
        Listed { title: title.into(), date: day(date), url: url.into() }
    }

    fn column(items: Vec<Listed>) -> ColumnSeen {
        ColumnSeen { url: "http://x.gov.cn/zcjd/".into(), items, complete: true, ..Default::default() }
    }

    #[test]
    fn a_column_that_does_not_open_or_lists_nothing_is_missing() {
        let calendar = crate::calendar::builtin().clone();
        let rule = TimeLimit::parse("信息形成之日起20个工作日内");
        let gone = ColumnSeen {
            failure: Some("栏目页面打不开：页面不存在（状态码 404）".into()), ..column(vec![])
        };
        let found = judge(&rule, &[], &gone, day("2024-05-01"), &calendar);
        assert_eq!(found.iter().map(|f| f.kind).collect::<Vec<_>>(), [FindingKind::Missing]);
        assert!(found[0].evidence.contains("404"));
        let empty = judge(&rule, &[], &column(vec![]), day("2024-05-01"), &calendar);
        assert_eq!(empty[0].kind, FindingKind::Missing);
    }

    #[test]
    fn stale_by_the_refresh_cycle_or_a_year() {
        let calendar = crate::calendar::builtin().clone();
        let items = vec![listed("2024年第一季度财政预算执行情况", "2024-04-10", "http://x.gov.cn/1.html")];
        let quarterly = TimeLimit::parse("每季度更新");
        let stale = judge(&quarterly, &[], &column(items.clone()), day("2024-08-01"), &calendar);
        assert_eq!(stale.iter().map(|f| f.kind).collect::<Vec<_>>(), [FindingKind::Stale]);
        assert!(stale[0].evidence.contains("2024-04-10"), "{}", stale[0].evidence);
        assert!(judge(&quarterly, &[], &column(items.clone()), day("2024-06-30"), &calendar).is_empty());
        let other = TimeLimit::parse("信息形成之日起20个工作日内");
        assert!(judge(&other, &[], &column(items.clone()), day("2025-03-01"), &calendar).is_empty());
        assert_eq!(judge(&other, &[], &column(items), day("2025-05-01"), &calendar)[0].kind, FindingKind::Stale);
    }

    #[test]
    fn a_record_listed_late_or_not_listed() {
        let calendar = crate::calendar::builtin().clone();
        let rule = TimeLimit::parse("信息形成之日起20个工作日内");
        let items = vec![
            listed("关于调整低保标准的通知", "2024-04-30", "http://x.gov.cn/zcjd/t1.html"),
            listed("低保对象名单公示", "2024-03-01", "http://x.gov.cn/zcjd/t0.html"),
        ];
        let records = [
            Recorded {
                title: "关于调整低保标准的通知".into(),
                url: "https://x.gov.cn/zcjd/t1.html".into(),
                published_on: day("2024-03-20"),
                event_on: Some(day("2024-03-01")),
            },
            Recorded {
                title: "低保资金发放情况".into(),
                url: String::new(),
                published_on: day("2024-04-01"),
                event_on: None,
            },
        ];
        let found = judge(&rule, &records, &column(items), day("2024-05-06"), &calendar);
        let kinds: Vec<_> = found.iter().map(|f| (f.kind, f.key.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (FindingKind::Late, "late:https://x.gov.cn/zcjd/t1.html"),
                (FindingKind::Unlisted, "unlisted:低保资金发放情况")
            ]
        );
        assert!(found[0].evidence.contains("2024-03-29"), "due 20 working days after 1 March: {}", found[0].evidence);
    }
}
