//! 依申请公开: the legal clocks of a request for government information
//! (《政府信息公开条例》第三十至三十三条), on the official working-day
//! calendar, the start day not counted (民法典 第二百零一条). The rules and
//! the project's decisions where the law is silent are in docs/FOI-CLOCKS.md.
//!
//! - Received (第三十一条): 当面 — the day submitted; 邮寄 — the day signed
//!   for; 平信 (mail without signature) — the day the office confirms with
//!   the applicant; 网络, 传真, 电子邮件 — the day both sides confirm.
//! - Answer within 20 working days (第三十三条), extendable once by at most
//!   20 (`extended_due`).
//! - 补正 (第三十条): the period counts again from the day the corrected
//!   request arrives; no correction in time is a withdrawal (no answer due).
//! - Consultation (第三十二、三十三条): the days from sending the 征求意见书 to
//!   the reply, both included, do not count; without a reply, up to the
//!   15th working day after sending.

use crate::calendar::{Calendar, CalendarError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Working days to answer, and the most an extension adds.
pub const ANSWER_WORKING_DAYS: u32 = 20;
/// Working days a third party has to give its view.
pub const THIRD_PARTY_WORKING_DAYS: u32 = 15;
/// Working days to ask for a 补正 after receipt.
pub const CORRECTION_NOTICE_WORKING_DAYS: u32 = 7;

/// How a request came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    当面,
    邮寄,
    平信,
    网络,
    传真,
    电子邮件,
}

impl Channel {
    pub const ALL: [Channel; 6] =
        [Channel::当面, Channel::邮寄, Channel::平信, Channel::网络, Channel::传真, Channel::电子邮件];

    /// As people write it: the channel's name, or a common other word for it.
    pub fn named(text: &str) -> Option<Channel> {
        let text = text.trim();
        Channel::ALL.into_iter().find(|c| c.label() == text).or(match text {
            "现场" | "当面提交" => Some(Channel::当面),
            "邮政" | "挂号信" | "快递" | "EMS" => Some(Channel::邮寄),
            "平常信函" | "信函" => Some(Channel::平信),
            "互联网" | "在线" | "网上" | "网上申请" => Some(Channel::网络),
            "邮件" | "电邮" => Some(Channel::电子邮件),
            _ => None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::当面 => "当面",
            Channel::邮寄 => "邮寄",
            Channel::平信 => "平信",
            Channel::网络 => "网络",
            Channel::传真 => "传真",
            Channel::电子邮件 => "电子邮件",
        }
    }

    /// The event whose day is the day of receipt.
    fn receipt(self) -> EventKind {
        match self {
            Channel::当面 => EventKind::Submitted,
            Channel::邮寄 => EventKind::Signed,
            Channel::平信 | Channel::网络 | Channel::传真 | Channel::电子邮件 => EventKind::Confirmed,
        }
    }
}

/// What happened to a request, on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Submitted,
    Signed,
    Confirmed,
    CorrectionRequested,
    CorrectionReceived,
    CorrectionLapsed,
    ThirdPartySent,
    ThirdPartyReplied,
    Extended,
    /// The answer was given (its outcome is the register's to keep); the
    /// clock stops.
    Answered,
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
        EventKind::Submitted,
        EventKind::Signed,
        EventKind::Confirmed,
        EventKind::CorrectionRequested,
        EventKind::CorrectionReceived,
        EventKind::CorrectionLapsed,
        EventKind::ThirdPartySent,
        EventKind::ThirdPartyReplied,
        EventKind::Extended,
        EventKind::Answered,
    ];

    /// The word scripts write (`gongkai foi clock --jsonl`).
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Submitted => "submitted",
            EventKind::Signed => "signed",
            EventKind::Confirmed => "confirmed",
            EventKind::CorrectionRequested => "correction_requested",
            EventKind::CorrectionReceived => "correction_received",
            EventKind::CorrectionLapsed => "correction_lapsed",
            EventKind::ThirdPartySent => "third_party_sent",
            EventKind::ThirdPartyReplied => "third_party_replied",
            EventKind::Extended => "extended",
            EventKind::Answered => "answered",
        }
    }

    /// As the register shows it.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Submitted => "提出申请",
            EventKind::Signed => "签收",
            EventKind::Confirmed => "双方确认收到",
            EventKind::CorrectionRequested => "发出补正告知",
            EventKind::CorrectionReceived => "收到补正",
            EventKind::CorrectionLapsed => "逾期未补正",
            EventKind::ThirdPartySent => "征求第三方意见",
            EventKind::ThirdPartyReplied => "收到第三方意见",
            EventKind::Extended => "延期答复",
            EventKind::Answered => "作出答复",
        }
    }

    /// A label or a code, as a form or a script gives it.
    pub fn named(text: &str) -> Option<EventKind> {
        let text = text.trim();
        EventKind::ALL.into_iter().find(|k| k.label() == text || k.code() == text)
    }

    pub fn from_code(code: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    pub date: NaiveDate,
}

/// A request's clock: null dates where there is none (not yet received,
/// waiting for a 补正, withdrawn, not extended).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Clock {
    pub received: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    pub extended_due: Option<NaiveDate>,
}

/// The day of receipt: the first day of the channel's receipt event.
pub fn received(channel: Channel, events: &[Event]) -> Option<NaiveDate> {
    events.iter().filter(|e| e.kind == channel.receipt()).map(|e| e.date).min()
}

/// The clock of a request that came in by `channel` and went through `events`.
pub fn clock(channel: Channel, events: &[Event], calendar: &Calendar) -> Result<Clock, CalendarError> {
    let mut events = events.to_vec();
    events.sort_by_key(|e| e.date);
    let Some(received) = received(channel, &events) else {
        return Ok(Clock { received: None, due: None, extended_due: None });
    };
    let none = Clock { received: Some(received), due: None, extended_due: None };
    // 补正: the last one asked decides; its answer restarts the clock.
    let mut start = received;
    if let Some(asked) = events.iter().rev().find(|e| e.kind == EventKind::CorrectionRequested && e.date >= received) {
        let after = |kind: EventKind| events.iter().find(|e| e.kind == kind && e.date >= asked.date).map(|e| e.date);
        match (after(EventKind::CorrectionReceived), after(EventKind::CorrectionLapsed)) {
            (Some(corrected), _) => start = corrected,
            // Not corrected in time: withdrawn; not yet: nothing is due until it comes.
            (None, _) => return Ok(none),
        }
    }
    let paused = pauses(&events, start, calendar)?;
    let extended = events.iter().any(|e| e.kind == EventKind::Extended && e.date >= start);
    let limit = if extended { 2 * ANSWER_WORKING_DAYS } else { ANSWER_WORKING_DAYS };
    let (mut day, mut counted, mut due, mut extended_due) = (start, 0, None, None);
    while counted < limit {
        day = day.succ_opt().ok_or(CalendarError::YearNotLoaded(2100))?;
        if calendar.is_working_day(day)? && !paused.iter().any(|(from, to)| *from <= day && day <= *to) {
            counted += 1;
            if counted == ANSWER_WORKING_DAYS {
                due = Some(day);
            }
            if counted == 2 * ANSWER_WORKING_DAYS {
                extended_due = Some(day);
            }
        }
    }
    Ok(Clock { received: Some(received), due, extended_due })
}

/// The consultations under way after `start`, each from the day it was
/// sent to the day the reply came (both included), or without a reply to
/// the third party's 15th working day.
fn pauses(
    events: &[Event],
    start: NaiveDate,
    calendar: &Calendar,
) -> Result<Vec<(NaiveDate, NaiveDate)>, CalendarError> {
    let mut out = Vec::new();
    for sent in events.iter().filter(|e| e.kind == EventKind::ThirdPartySent && e.date >= start) {
        let reply = events.iter().find(|e| e.kind == EventKind::ThirdPartyReplied && e.date >= sent.date);
        let until = match reply {
            Some(reply) => reply.date,
            None => calendar.add_working_days(sent.date, THIRD_PARTY_WORKING_DAYS)?,
        };
        out.push((sent.date, until));
    }
    Ok(out)
}

/// The last day to ask for a 补正: 7 working days after receipt.
pub fn correction_notice_due(received: NaiveDate, calendar: &Calendar) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(received, CORRECTION_NOTICE_WORKING_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn at(kind: EventKind, date: &str) -> Event {
        Event { kind, date: day(date) }
    }

    fn run(channel: Channel, events: &[Event]) -> (Option<String>, Option<String>, Option<String>) {
        let c = clock(channel, events, crate::calendar::builtin()).unwrap();
        let s = |d: Option<NaiveDate>| d.map(|d| d.to_string());
        (s(c.received), s(c.due), s(c.extended_due))
    }

    fn some(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    #[test]
    fn a_real_case_counts_the_make_up_weekend_of_national_day() {
        // 连云港 2022 (a court found the answer late): sent by EMS 9-28, signed
        // for 9-30 (Fri, not counted). 10-1…10-7 国庆 off; 10-8 (Sat) and 10-9
        // (Sun) are 班: working days 1 and 2; 10-10…10-14 → 7; 10-17…21 → 12;
        // 10-24…28 → 17; 10-31, 11-1, 11-2 → 20. The court's last day: 11-02.
        let (received, due, _) =
            run(Channel::邮寄, &[at(EventKind::Submitted, "2022-09-28"), at(EventKind::Signed, "2022-09-30")]);
        assert_eq!((received, due), (some("2022-09-30"), some("2022-11-02")));
    }

    #[test]
    fn each_channel_has_its_day_of_receipt() {
        // 当面 on Friday 2024-06-14: 6-17…21 → 5, 6-24…28 → 10, 7-1…5 → 15, 7-8…12 → 20.
        assert_eq!(run(Channel::当面, &[at(EventKind::Submitted, "2024-06-14")]).1, some("2024-07-12"));
        // 邮寄: the day signed for, not the day posted; unsigned, nothing is due yet.
        assert_eq!(run(Channel::邮寄, &[at(EventKind::Submitted, "2024-06-10")]), (None, None, None));
        assert_eq!(
            run(Channel::邮寄, &[at(EventKind::Submitted, "2024-06-10"), at(EventKind::Signed, "2024-06-14")]).1,
            some("2024-07-12")
        );
        // 平信, 网络, 传真, 电子邮件: the day both sides confirm.
        for channel in [Channel::平信, Channel::网络, Channel::传真, Channel::电子邮件] {
            let events = [at(EventKind::Submitted, "2024-06-12"), at(EventKind::Confirmed, "2024-06-14")];
            assert_eq!(run(channel, &events).0, some("2024-06-14"), "{channel:?}");
            assert_eq!(run(channel, &events[..1]).0, None, "{channel:?} unconfirmed");
        }
        assert_eq!(Channel::named("互联网"), Some(Channel::网络));
        assert_eq!(Channel::named("信鸽"), None);
    }

    #[test]
    fn across_the_spring_festival_with_a_make_up_sunday() {
        // 2025 春节: 1-28…2-4 off; 1-26 (Sun) and 2-8 (Sat) 班. Received Fri 1-24:
        // 1-26 → 1, 1-27 → 2, 2-5…7 → 5, 2-8 → 6, 2-10…14 → 11, 2-17…21 → 16,
        // 2-24…27 → 20.
        assert_eq!(run(Channel::当面, &[at(EventKind::Submitted, "2025-01-24")]).1, some("2025-02-27"));
        // 2024 春节: 2-10…17 off, 2-4 (Sun) and 2-18 (Sun) 班; 除夕 2-9 a working day.
        // Received Thu 2-8: 2-9 → 1, 2-18 → 2, 2-19…23 → 7, 2-26…3-1 → 12,
        // 3-4…8 → 17, 3-11…13 → 20.
        assert_eq!(run(Channel::当面, &[at(EventKind::Submitted, "2024-02-08")]).1, some("2024-03-13"));
    }

    #[test]
    fn an_extension_adds_twenty_working_days_across_national_day() {
        // Received Wed 2024-09-04: 9-5, 9-6 → 2, 9-9…13 → 7, 9-14 (Sat) 班 → 8,
        // 9-18…20 → 11 (中秋 9-15…17 off), 9-23…27 → 16, 9-29 (Sun) 班 → 17,
        // 9-30 → 18, 国庆 10-1…7 off, 10-8, 10-9 → 20.
        let received = [at(EventKind::Submitted, "2024-09-04")];
        assert_eq!(run(Channel::当面, &received), (some("2024-09-04"), some("2024-10-09"), None));
        // Extended: 10-10, 10-11 → 22, 10-12 (Sat) 班 → 23, 10-14…18 → 28,
        // 10-21…25 → 33, 10-28…11-1 → 38, 11-4, 11-5 → 40.
        let extended = [received[0], at(EventKind::Extended, "2024-10-08")];
        assert_eq!(run(Channel::当面, &extended).2, some("2024-11-05"));
    }

    #[test]
    fn a_correction_restarts_the_clock_and_none_withdraws_the_request() {
        let asked = [at(EventKind::Submitted, "2024-06-03"), at(EventKind::CorrectionRequested, "2024-06-05")];
        // Waiting for the correction: nothing is due.
        assert_eq!(run(Channel::当面, &asked), (some("2024-06-03"), None, None));
        // Corrected on Wed 6-12: 6-13, 6-14 → 2, 6-17…21 → 7, 6-24…28 → 12,
        // 7-1…5 → 17, 7-8…10 → 20.
        let corrected = [asked[0], asked[1], at(EventKind::CorrectionReceived, "2024-06-12")];
        assert_eq!(run(Channel::当面, &corrected).1, some("2024-07-10"));
        // Not corrected in time: withdrawn, no answer due.
        let lapsed = [asked[0], asked[1], at(EventKind::CorrectionLapsed, "2024-06-20")];
        assert_eq!(run(Channel::当面, &lapsed), (some("2024-06-03"), None, None));
        // The notice is due within 7 working days: received Fri 2024-09-27,
        // 9-29 (Sun) 班 → 1, 9-30 → 2, 国庆 off, 10-8…10-12 (Sat 班) → 7.
        assert_eq!(correction_notice_due(day("2024-09-27"), crate::calendar::builtin()).unwrap(), day("2024-10-12"));
    }

    #[test]
    fn a_consultation_stops_the_clock_with_or_without_a_reply() {
        // Received Mon 2025-03-03; counted 3-4…3-7 → 4, 3-10 → 5. Sent to the
        // third party Tue 3-11, reply Fri 3-14: 3-11…3-14 do not count. Then
        // 3-17…21 → 10, 3-24…28 → 15, 3-31…4-3 → 19 (清明 4-4 off), 4-7 → 20.
        let replied = [
            at(EventKind::Submitted, "2025-03-03"),
            at(EventKind::ThirdPartySent, "2025-03-11"),
            at(EventKind::ThirdPartyReplied, "2025-03-14"),
        ];
        assert_eq!(run(Channel::当面, &replied).1, some("2025-04-07"));
        // No reply: paused to the 15th working day after 3-11, 4-1 (3-12…14 → 3,
        // 3-17…21 → 8, 3-24…28 → 13, 3-31, 4-1 → 15). Resumed: 4-2, 4-3 → 7
        // (4-4…6 清明 off), 4-7…11 → 12, 4-14…18 → 17, 4-21…23 → 20.
        assert_eq!(run(Channel::当面, &replied[..2]).1, some("2025-04-23"));
    }
}
