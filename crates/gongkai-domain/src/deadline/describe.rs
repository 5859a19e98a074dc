//! A milestone in the words a clerk uses: "2020年10月15日前 报送区政务公开办",
//! "每年12月25日前 纳入自查报告，报送区政务公开办", "每季度末 通报". Read
//! back from the milestone's stable rule (`due 2020-10-15`, `yearly 12-25`,
//! `quarterly 03-last, …`), so that stored plans read the same way.

use chrono::{Datelike, NaiveDate};

/// The rule and what is done, as one line a person reads.
pub fn milestone(
    rule: &str,
    action: Option<&str>,
    recipient: Option<&str>,
    channel: Option<&str>,
    actor: Option<&str>,
    aspirational: bool,
) -> String {
    let mut when = rule_words(rule);
    if aspirational {
        when = format!("争取{when}");
    }
    let mut what = Vec::new();
    match (action, recipient) {
        (Some("报送"), Some(to)) | (None, Some(to)) => what.push(format!("报送{to}")),
        (Some("备案"), Some(to)) => what.push(format!("报{to}备案")),
        (Some("公开"), _) if channel.is_some() => {}
        (Some(action), Some(to)) => what.push(format!("{action}，报送{to}")),
        (Some(action), None) => what.push(action.to_string()),
        (None, None) => {}
    }
    if let Some(channel) = channel {
        what.push(format!("在{channel}公开"));
    }
    if let Some(actor) = actor {
        what.push(format!("由{actor}承办"));
    }
    if what.is_empty() { when } else { format!("{when} {}", what.join("，")) }
}

/// A rule (`Milestone::rule`) in words.
pub fn rule_words(rule: &str) -> String {
    let parts: Vec<String> = rule.split("; ").filter(|p| !p.is_empty()).map(part).collect();
    if parts.is_empty() { "（未写明日期）".into() } else { parts.join("；") }
}

fn part(part: &str) -> String {
    let (head, rest) = part.split_once(' ').unwrap_or((part, ""));
    match head {
        "due" => iso(rest).map_or_else(|| rest.to_string(), |d| format!("{}前", day(d))),
        "start" => iso(rest).map_or_else(|| rest.to_string(), |d| format!("{}起", day(d))),
        "window" => match rest.split_once("..").and_then(|(a, b)| Some((iso(a)?, iso(b)?))) {
            Some((from, to)) => span(from, to),
            None => rest.to_string(),
        },
        "ongoing" => "长期坚持".into(),
        "relative" => format!("{rest}（自相关事项之日起计算）"),
        "unparsed" => "（未能识别日期，请公开办核对）".into(),
        "yearly" | "quarterly" | "half-yearly" | "monthly" => every(head, rest),
        _ => part.to_string(),
    }
}

/// "2020年10月15日".
fn day(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// "2020年12月21日至12月31日", the year once when it is the same.
fn span(from: NaiveDate, to: NaiveDate) -> String {
    if from.year() == to.year() {
        format!("{}至{}月{}日", day(from), to.month(), to.day())
    } else {
        format!("{}至{}", day(from), day(to))
    }
}

fn iso(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// A day of a month as the rule writes it: `12-25`, `03-last`.
#[derive(Clone, Copy, PartialEq)]
struct MonthDay {
    month: u32,
    /// None for the month's last day.
    day: Option<u32>,
}

fn month_day(text: &str) -> Option<MonthDay> {
    let (month, day) = text.split_once('-')?;
    let month = month.parse().ok()?;
    let day = if day == "last" { None } else { Some(day.parse().ok()?) };
    Some(MonthDay { month, day })
}

impl MonthDay {
    fn words(self) -> String {
        match self.day {
            Some(day) => format!("{}月{}日", self.month, day),
            None => format!("{}月底", self.month),
        }
    }

    fn first(self) -> bool {
        self.day == Some(1)
    }

    fn last(self) -> bool {
        self.day.is_none()
    }
}

enum Slot {
    Due(MonthDay),
    Start(MonthDay),
    Window(MonthDay, MonthDay),
}

fn slot(text: &str) -> Option<Slot> {
    if let Some(day) = text.strip_prefix("start ") {
        return Some(Slot::Start(month_day(day)?));
    }
    match text.split_once("..") {
        Some((a, b)) => Some(Slot::Window(month_day(a)?, month_day(b)?)),
        None => Some(Slot::Due(month_day(text)?)),
    }
}

/// A recurring rule: `yearly 01-01..01-last, 07-01..07-last from 2021-01-01`.
fn every(period: &str, rest: &str) -> String {
    let (rest, until) = match rest.split_once(" until ") {
        Some((rest, until)) => (rest, iso(until)),
        None => (rest, None),
    };
    let (rest, from) = match rest.split_once(" from ") {
        Some((rest, from)) => (rest, iso(from)),
        None => (rest, None),
    };
    let slots: Option<Vec<Slot>> = rest.split(", ").map(slot).collect();
    let Some(slots) = slots.filter(|s| !s.is_empty()) else {
        return rest.to_string();
    };
    let dues: Vec<MonthDay> = slots.iter().filter_map(|s| if let Slot::Due(d) = s { Some(*d) } else { None }).collect();
    let body = if dues.len() == slots.len() {
        match period {
            "quarterly" if dues.iter().all(|d| d.last()) && dues.len() == 4 => "每季度末".to_string(),
            "monthly" if dues.iter().all(|d| d.last()) && dues.len() == 12 => "每月底前".to_string(),
            "monthly" if dues.len() == 12 && dues.iter().all(|d| d.day == dues[0].day) => {
                format!("每月{}日前", dues[0].day.unwrap_or(1))
            }
            "half-yearly" if dues.len() == 2 && dues.iter().all(|d| d.last()) => {
                "每半年（6月底、12月底前）".to_string()
            }
            _ => format!("每年{}前", dues.iter().map(|d| d.words()).collect::<Vec<_>>().join("、")),
        }
    } else {
        let words: Vec<String> = slots
            .iter()
            .map(|s| match s {
                Slot::Due(d) => format!("{}前", d.words()),
                Slot::Start(d) => format!("{}起", d.words()),
                // A whole month, or whole months.
                Slot::Window(a, b) if a.first() && b.last() && a.month == b.month => format!("{}月", a.month),
                Slot::Window(a, b) if a.first() && b.last() => format!("{}月至{}月", a.month, b.month),
                Slot::Window(a, b) => format!("{}至{}", a.words(), b.words()),
            })
            .collect();
        let each = match period {
            "quarterly" => "每季度",
            "half-yearly" => "每半年",
            "monthly" => "每月",
            _ => "每年",
        };
        format!("{each}{}", words.join("、"))
    };
    let body = match from {
        Some(from) => format!("{}起，{body}", day(from)),
        None => body,
    };
    match until {
        Some(until) => format!("{body}，至{}止", day(until)),
        None => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::DeadlineText;

    fn words(text: &str) -> Vec<String> {
        DeadlineText::parse(text, 2020)
            .milestones
            .iter()
            .map(|m| {
                milestone(
                    &m.rule,
                    m.action,
                    m.recipient.as_deref(),
                    m.channel.as_deref(),
                    m.actor.as_deref(),
                    m.aspirational,
                )
            })
            .collect()
    }

    #[test]
    fn milestones_read_as_a_clerk_writes_them() {
        assert_eq!(words("10月15日前报送区政务公开办"), ["2020年10月15日前 报送区政务公开办"]);
        assert_eq!(words("每年12月25日前纳入自查报告"), ["每年12月25日前 纳入自查报告"]);
        assert_eq!(words("每季度情况通报"), ["每季度末 通报"]);
        assert_eq!(words("长期"), ["长期坚持"]);
        assert_eq!(words("每年1月、7月各评选一次"), ["每年1月、7月 评选"]);
        assert_eq!(words("每年下半年"), ["每年7月至12月"]);
        assert_eq!(words("2021年7月底前"), ["2021年7月31日前"]);
        assert_eq!(words("争取2021年2月28日前印发"), ["争取2021年2月28日前 印发"]);
    }

    #[test]
    fn no_rule_word_of_the_machine_is_left() {
        for rule in [
            "due 2020-09-20",
            "start 2020-09-21",
            "window 2020-12-21..2020-12-31",
            "yearly 01-10",
            "yearly 01-01..01-last, 07-01..07-last",
            "quarterly 03-last, 06-last, 09-last, 12-last",
            "half-yearly 06-last, 12-last",
            "monthly 01-last, 02-last, 03-last, 04-last, 05-last, 06-last, 07-last, 08-last, 09-last, 10-last, 11-last, 12-last",
            "yearly 12-25 from 2021-01-01",
            "quarterly 03-10, 06-10 until 2021-06-30",
            "yearly start 03-01",
            "ongoing",
            "due 2020-10-15; ongoing",
        ] {
            let said = rule_words(rule);
            assert!(!said.chars().any(|c| c.is_ascii_alphabetic()), "{rule} → {said}");
        }
        assert_eq!(rule_words("window 2020-12-21..2020-12-31"), "2020年12月21日至12月31日");
        assert_eq!(rule_words("yearly 12-25 from 2021-01-01"), "2021年1月1日起，每年12月25日前");
    }

    #[test]
    fn a_recipient_and_a_channel_are_said_in_order() {
        assert_eq!(
            milestone("due 2020-10-30", Some("备案"), Some("区政务公开办"), None, None, false),
            "2020年10月30日前 报区政务公开办备案"
        );
        assert_eq!(
            milestone("due 2020-12-10", Some("公开"), None, Some("区政府门户网站"), None, false),
            "2020年12月10日前 在区政府门户网站公开"
        );
        assert_eq!(
            milestone("due 2020-10-25", Some("公开"), None, Some("区政府门户网站"), Some("区政务公开办"), false),
            "2020年10月25日前 在区政府门户网站公开，由区政务公开办承办"
        );
    }
}
