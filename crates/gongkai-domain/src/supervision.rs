//! Supervision rules: when the unit responsible for a piece of work (an
//! obligation, a request with a legal clock, an inspection finding) is
//! reminded before its due date, chased (催办) after it, and sent a formal
//! 督办通知 once it is a number of working days overdue. Each event has a key
//! that makes it happen once per subject.

use crate::calendar::Calendar;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A plan's reminder rules; the defaults are what offices commonly use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    /// Days before the due date at which the unit is reminded.
    pub lead_days: Vec<i64>,
    /// Working days overdue after which a 督办通知 is issued.
    pub escalate_after_working_days: u32,
    /// Working days a 督办通知 gives from its issue to the new deadline.
    pub notice_working_days: u32,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules { lead_days: vec![7, 3, 1], escalate_after_working_days: 5, notice_working_days: 5 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// Before the due date.
    Reminder,
    /// 催办: after the due date.
    Overdue,
    /// 督办: a formal notice with a new deadline.
    Escalation,
}

impl EventKind {
    /// The word scripts see (`remind run --json`) and people read.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Reminder => "reminder",
            EventKind::Overdue => "催办",
            EventKind::Escalation => "督办",
        }
    }
}

/// One thing to tell a unit about one obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub kind: EventKind,
    /// Unique per obligation and due date: "reminder:3:2020-11-30",
    /// "overdue:2020-11-30", "escalation:2020-11-30" — a due date moved by
    /// an extension starts a new sequence.
    pub key: String,
    /// For a reminder, the days left.
    pub lead: Option<i64>,
    /// The day the event fell due: the reminder's lead day, the day after
    /// the due date, the day the 督办 threshold was reached. Nothing dated
    /// before a plan took effect or before supervision began is sent.
    pub date: NaiveDate,
}

/// What is due to be told about an obligation as of `today`. A reminder is
/// the one for the nearest lead time reached, so a scheduler that missed a
/// few days sends one reminder, not three; the caller keeps the keys
/// already sent and sends only new ones.
pub fn events_due(due: NaiveDate, open: bool, today: NaiveDate, rules: &Rules, calendar: &Calendar) -> Vec<Event> {
    if !open {
        return Vec::new();
    }
    let left = (due - today).num_days();
    if left > 0 {
        return rules
            .lead_days
            .iter()
            .copied()
            .filter(|lead| *lead >= left)
            .min()
            .map(|lead| Event {
                kind: EventKind::Reminder,
                key: format!("reminder:{lead}:{due}"),
                lead: Some(lead),
                date: due - chrono::Duration::days(lead),
            })
            .into_iter()
            .collect();
    }
    if left == 0 {
        return Vec::new();
    }
    let day_after = due.succ_opt().unwrap_or(due);
    let mut events =
        vec![Event { kind: EventKind::Overdue, key: format!("overdue:{due}"), lead: None, date: day_after }];
    let threshold = rules.escalate_after_working_days;
    if working_days_after(due, today, calendar) >= threshold {
        let date = calendar.add_working_days(due, threshold).unwrap_or(today).min(today);
        events.push(Event { kind: EventKind::Escalation, key: format!("escalation:{due}"), lead: None, date });
    }
    events
}

/// Working days after `from` up to and including `to`. A year the calendar
/// does not hold counts weekdays.
pub fn working_days_after(from: NaiveDate, to: NaiveDate, calendar: &Calendar) -> u32 {
    let mut count = 0;
    let mut day = from;
    while day < to {
        let Some(next) = day.succ_opt() else { break };
        day = next;
        let working = calendar.is_working_day(day).unwrap_or_else(|_| {
            use chrono::Datelike;
            day.weekday().number_from_monday() <= 5
        });
        if working {
            count += 1;
        }
    }
    count
}

/// What the unit reads. A 督办 message holds "{number}" for the notice's
/// number, which is given when the notice is stored.
pub struct Wording<'a> {
    pub unit: &'a str,
    /// The work as the unit reads it: "任务12“各镇（街）11月30日前报区民政局汇总”".
    pub what: String,
    pub due: NaiveDate,
}

impl<'a> Wording<'a> {
    /// The words for one of a task list's obligations.
    pub fn obligation(unit: &'a str, task_seq: i32, milestone: &str, due: NaiveDate) -> Wording<'a> {
        Wording { unit, what: format!("任务{task_seq}“{milestone}”"), due }
    }

    /// `days_left`: from the day the unit is told to the due date.
    pub fn reminder(&self, days_left: i64) -> String {
        format!(
            "【到期提醒】{}：{}将于 {} 到期（还有 {days_left} 天），请按时办理并报送。",
            self.unit, self.what, self.due
        )
    }

    pub fn overdue(&self) -> String {
        format!("【催办】{}：{}已于 {} 到期，尚未报送，请尽快办理。", self.unit, self.what, self.due)
    }

    pub fn notice(&self, late_working_days: u32, new_due: NaiveDate) -> String {
        format!(
            "【督办通知 {{number}}】{}：{}原定 {} 完成，已逾期 {late_working_days} 个工作日。请于 {new_due} 前办结并报送。",
            self.unit, self.what, self.due
        )
    }
}

/// "督办〔2020〕3号".
pub fn notice_number(year: i32, number: i64) -> String {
    format!("督办〔{year}〕{number}号")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::ObligationStatus;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn keys(today: &str, status: &str) -> Vec<String> {
        let calendar = crate::calendar::builtin();
        events_due(
            day("2020-11-30"),
            status.parse::<ObligationStatus>().unwrap().is_open(),
            day(today),
            &Rules::default(),
            calendar,
        )
        .into_iter()
        .map(|e| e.key.trim_end_matches(":2020-11-30").to_string())
        .collect()
    }

    #[test]
    fn reminders_come_at_each_lead_time_and_the_nearest_wins() {
        assert!(keys("2020-11-22", "pending").is_empty(), "8 days ahead");
        assert_eq!(keys("2020-11-23", "pending"), ["reminder:7"]);
        assert_eq!(keys("2020-11-26", "pending"), ["reminder:7"], "still within 7, not yet 3");
        assert_eq!(keys("2020-11-27", "pending"), ["reminder:3"]);
        assert_eq!(keys("2020-11-29", "returned"), ["reminder:1"]);
        assert!(keys("2020-11-30", "pending").is_empty(), "the due day itself");
    }

    #[test]
    fn overdue_work_is_chased_and_escalated_after_five_working_days() {
        assert_eq!(keys("2020-12-01", "pending"), ["overdue"]);
        // 12-01 … 12-07 are five working days after Monday 11-30.
        assert_eq!(keys("2020-12-06", "pending"), ["overdue"]);
        assert_eq!(keys("2020-12-07", "pending"), ["overdue", "escalation"]);
    }

    #[test]
    fn reported_or_accepted_work_is_left_alone() {
        for status in ["submitted", "signed", "accepted"] {
            assert!(keys("2020-11-27", status).is_empty());
            assert!(keys("2020-12-31", status).is_empty());
        }
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let calendar = crate::calendar::builtin();
        // National Day 2020: 10-01…10-08 off, 09-27 and 10-10 worked.
        assert_eq!(working_days_after(day("2020-09-30"), day("2020-10-09"), calendar), 1);
        assert_eq!(working_days_after(day("2020-09-30"), day("2020-10-10"), calendar), 2);
        assert_eq!(notice_number(2020, 3), "督办〔2020〕3号");
    }
}
