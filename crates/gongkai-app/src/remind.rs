//! The reminder pass as of a day: find what is due to be told (reminders
//! before the due date, 催办 after it; after the plan's number of working
//! days a 督办 — for an obligation a draft the office issues or sets aside,
//! see `supervision`), record it once, then send every delivery this
//! process claims. Nothing is dated before the plan's start or the job's
//! first day on the database, and the 政务公开办 is never chased.
//! `gongkai remind run` runs one pass; `gongkai serve` runs one every few
//! minutes.
//!
//! The pass works on [`DueWork`]: anything with a subject, a responsible
//! unit, a due date and rules — an obligation today, a request with a legal
//! clock or an inspection finding tomorrow. Each kind of work only says what
//! of it is due ([`due_obligations`] for the task list); the events, their
//! keys, the outbox and the channels are one code path for all.

use crate::channels::Channels;
use chrono::NaiveDate;
use gongkai_domain::calendar::Calendar;
use gongkai_domain::status::ObligationStatus;
use gongkai_domain::supervision::{EventKind, Rules, Wording, events_due, working_days_after};
use gongkai_store::{NewEvent, ObligationFilter, ObligationId, Order, Store, Subject};
use serde::Serialize;

/// Obligations read per query in a pass.
const PAGE: i64 = 10_000;

/// The name of the reminders' job (one lock per job name on PostgreSQL).
pub const JOB: &str = "reminders";

/// One piece of work under supervision, as of a pass.
#[derive(Debug, Clone)]
pub struct DueWork {
    pub subject: Subject,
    /// The unit responsible (its full name).
    pub unit: String,
    /// The work as the unit reads it: "任务12“…”".
    pub what: String,
    pub due: NaiveDate,
    /// Still the unit's to do; done work is never chased.
    pub open: bool,
    /// When to remind and escalate (a plan's rules for obligations).
    pub rules: Rules,
    /// 督办 issues a numbered notice with a new deadline (obligations do).
    pub notices: bool,
    /// Nothing dated before this day is sent: the day the work's plan took
    /// effect, or supervision began on this database, whichever is later.
    pub not_before: NaiveDate,
}

/// One message that went out (or could not).
#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    /// For work on the task list, the obligation's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obligation: Option<ObligationId>,
    pub subject: Subject,
    pub unit: String,
    /// reminder, 催办 or 督办.
    pub kind: String,
    pub channel: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The events due about `work` as of `as_of`, with the words the unit reads.
pub fn events_for(work: &DueWork, as_of: NaiveDate, calendar: &Calendar) -> Vec<NewEvent> {
    let wording = Wording { unit: &work.unit, what: work.what.clone(), due: work.due };
    events_due(work.due, work.open, as_of, &work.rules, calendar)
        .into_iter()
        .filter(|event| event.date >= work.not_before)
        .map(|event| {
            let new_due = (event.kind == EventKind::Escalation && work.notices)
                .then(|| calendar.add_working_days(as_of, work.rules.notice_working_days).ok())
                .flatten();
            let message = match (event.kind, new_due) {
                // The days truly left as of the pass (a late pass sends the
                // nearest lead's reminder with fewer days to go).
                (EventKind::Reminder, _) => wording.reminder((work.due - as_of).num_days()),
                (EventKind::Overdue, _) | (EventKind::Escalation, None) => wording.overdue(),
                (EventKind::Escalation, Some(new_due)) => {
                    wording.notice(working_days_after(work.due, as_of, calendar), new_due)
                }
            };
            NewEvent { subject: work.subject.clone(), unit: work.unit.clone(), message, new_due, event }
        })
        .collect()
}

/// The task list's open work due before the longest lead time ends, read a
/// page at a time and turned into events as it comes: a province has
/// hundreds of thousands of open obligations.
pub async fn due_obligations(store: &Store, as_of: NaiveDate, calendar: &Calendar) -> crate::Result<Vec<NewEvent>> {
    let rules = store.plan_rules().await?;
    let directory = store.directory().await?;
    let since = store.first_run(JOB, as_of).await?;
    let not_before: std::collections::HashMap<_, _> =
        store.plans().await?.into_iter().map(|p| (p.id, p.start_date.max(since))).collect();
    // Who supports each task (配合): told before its due dates, never chased.
    let support: std::collections::HashMap<gongkai_store::TaskId, Vec<String>> = store
        .tasks()
        .await?
        .into_iter()
        .filter(|t| !t.support_units.is_empty())
        .map(|t| (t.id, t.support_units))
        .collect();
    let longest_lead = rules.values().flat_map(|r| r.lead_days.iter().copied()).max().unwrap_or(0).max(0);
    let horizon = as_of + chrono::Duration::days(longest_lead + 1);
    let mut events = Vec::new();
    for status in ObligationStatus::ALL.iter().copied().filter(|s| s.is_open()) {
        let mut after_id = None;
        loop {
            let page = store
                .obligations(&ObligationFilter {
                    status: Some(status),
                    due_before: Some(horizon),
                    after_id,
                    order: Order::Id,
                    limit: Some(PAGE),
                    ..Default::default()
                })
                .await?;
            after_id = page.last().map(|o| o.id);
            let full = page.len() as i64 == PAGE;
            for o in page {
                let (Some(due), Some(plan_rules)) = (o.due, rules.get(&o.plan_id)) else { continue };
                let not_before = not_before.get(&o.plan_id).copied().unwrap_or(since);
                // The office does not chase itself.
                if directory.find(&o.unit).is_some_and(|u| u.is_openness_office()) {
                    continue;
                }
                for unit in support.get(&o.task_id).into_iter().flatten() {
                    if *unit == o.unit || directory.find(unit).is_some_and(|u| u.is_openness_office()) {
                        continue;
                    }
                    events.extend(support_reminders(&o, unit, due, plan_rules, not_before, as_of, calendar));
                }
                let work = DueWork {
                    subject: Subject::obligation(o.id),
                    what: Wording::obligation(&o.unit, o.task_seq, &o.milestone, due).what,
                    unit: o.unit,
                    due,
                    open: o.status.is_open(),
                    rules: plan_rules.clone(),
                    notices: true,
                    not_before,
                };
                events.extend(events_for(&work, as_of, calendar));
            }
            if !full {
                break;
            }
        }
    }
    Ok(events)
}

/// The 整改 the inspections asked for: reminded before the finding's due
/// date and chased after it like any work; an answered finding waits for
/// the next run, which confirms it, and is not chased. 督办 is the
/// office's, with a new deadline (`inspection::escalate`).
pub async fn due_findings(store: &Store, as_of: NaiveDate, calendar: &Calendar) -> crate::Result<Vec<NewEvent>> {
    let since = store.first_run(JOB, as_of).await?;
    let open = store
        .findings(&gongkai_store::FindingFilter { open: true, limit: Some(i64::MAX), ..Default::default() })
        .await?;
    let mut events = Vec::new();
    for finding in open.iter().filter(|f| f.status == "open") {
        let label = gongkai_domain::inspection::FindingKind::from_code(&finding.kind).map_or("", |k| k.label());
        let work = DueWork {
            subject: Subject { kind: FINDING.into(), id: finding.id.0 },
            unit: finding.unit.clone(),
            what: format!("网上巡查发现的“{}”{label}问题的整改", finding.item_name()),
            due: finding.due_date,
            open: true,
            rules: Rules::default(),
            notices: false,
            not_before: finding.found_on.max(since),
        };
        // 督办 is the office's act (on the finding's page), never the rule's.
        events.extend(events_for(&work, as_of, calendar).into_iter().filter(|e| e.event.kind != EventKind::Escalation));
    }
    Ok(events)
}

/// The subject of an inspection finding's events.
pub const FINDING: &str = "finding";

/// The subject of a 政府信息公开申请's events.
pub const REQUEST: &str = "request";

/// Working days before a request's legal due date that its unit is reminded.
pub const REQUEST_LEAD_WORKING_DAYS: u32 = 5;

/// 依申请公开: a request still waiting for its answer is reminded once when
/// `REQUEST_LEAD_WORKING_DAYS` working days are left, once on the due day,
/// and chased once after it — each keyed by the due date, so an extension
/// starts a new round. No machine 督办: the answer is the unit's legal duty.
pub async fn due_requests(store: &Store, as_of: NaiveDate, calendar: &Calendar) -> crate::Result<Vec<NewEvent>> {
    use gongkai_domain::supervision::Event;
    let since = store.first_run(JOB, as_of).await?;
    let lead = u64::from(REQUEST_LEAD_WORKING_DAYS);
    let horizon = as_of + chrono::Duration::days(i64::try_from(lead * 3 + 20).unwrap_or(40));
    let mut events = Vec::new();
    for r in store.requests_due_by(None, horizon).await? {
        let (Some(due), Some(received)) = (r.due_on, r.received_on) else { continue };
        let what = format!("政府信息公开申请（受理编号 {}）", r.number);
        let event = if as_of > due {
            Event {
                kind: EventKind::Overdue,
                key: format!("overdue:{due}"),
                lead: None,
                date: due.succ_opt().unwrap_or(due),
            }
        } else if as_of == due {
            Event { kind: EventKind::Reminder, key: format!("dueday:{due}"), lead: Some(0), date: due }
        } else if working_days_after(as_of, due, calendar) <= REQUEST_LEAD_WORKING_DAYS {
            let key = format!("before:{REQUEST_LEAD_WORKING_DAYS}:{due}");
            Event { kind: EventKind::Reminder, key, lead: Some((due - as_of).num_days()), date: as_of }
        } else {
            continue;
        };
        if event.date < since.max(received) {
            continue;
        }
        let left = working_days_after(as_of, due, calendar);
        let message = match event.kind {
            EventKind::Overdue => {
                format!("【催办】{}：{what}的答复期限 {due} 已过，尚未登记答复，请尽快答复并在系统中登记。", r.unit)
            }
            _ if as_of == due => {
                format!("【答复期限提醒】{}：今天（{due}）是{what}的答复期限，请今天作出答复。", r.unit)
            }
            _ => format!("【答复期限提醒】{}：{what}的答复期限为 {due}，还有 {left} 个工作日，请按时答复。", r.unit),
        };
        let subject = Subject { kind: REQUEST.into(), id: r.id.0 };
        events.push(NewEvent { subject, unit: r.unit.clone(), message, new_due: None, event });
    }
    Ok(events)
}

/// The subject of a reminder to a unit that supports an obligation (配合).
pub const SUPPORT: &str = "support";

/// Reminders before an obligation's due date to a unit that supports it:
/// the lead's dates, no 催办 or 督办 (the lead reports). Keyed by the unit,
/// so each supporting unit is told once per lead time.
fn support_reminders(
    o: &gongkai_store::ObligationRow,
    unit: &str,
    due: NaiveDate,
    rules: &Rules,
    not_before: NaiveDate,
    as_of: NaiveDate,
    calendar: &Calendar,
) -> Vec<NewEvent> {
    events_due(due, o.status.is_open(), as_of, rules, calendar)
        .into_iter()
        .filter(|event| event.kind == EventKind::Reminder && event.date >= not_before)
        .map(|mut event| {
            event.key = format!("{}@{unit}", event.key);
            let message = format!(
                "【配合提醒】{unit}：{}牵头的任务{}“{}”将于 {due} 到期（还有 {} 天），请配合牵头单位按时办理。",
                o.unit,
                o.task_seq,
                o.milestone,
                (due - as_of).num_days()
            );
            NewEvent {
                subject: Subject { kind: SUPPORT.into(), id: o.id.0 },
                unit: unit.to_string(),
                message,
                new_due: None,
                event,
            }
        })
        .collect()
}

/// Records `events` once each, then sends every delivery this process can
/// claim, whatever its subject.
pub async fn tell(
    store: &Store,
    as_of: NaiveDate,
    events: &[NewEvent],
    channels: &Channels,
    actor: &str,
) -> crate::Result<Vec<Sent>> {
    store.record_events(as_of, events, actor).await?;
    let mut sent = Vec::new();
    loop {
        let batch = store.claim_deliveries(200).await?;
        if batch.is_empty() {
            break;
        }
        for out in batch {
            let outcome = channels.send(&out).await;
            if let Err(error) = &outcome {
                tracing::warn!(delivery = out.delivery_id, channel = %out.channel, %error, "delivery failed");
            }
            store.finish_delivery(out.delivery_id, outcome.clone()).await?;
            sent.push(Sent {
                obligation: out.subject.obligation_id(),
                subject: out.subject,
                unit: out.unit,
                kind: out.kind,
                channel: out.channel,
                error: outcome.err(),
            });
        }
    }
    Ok(sent)
}

/// Runs one pass over the task list. Gives nothing when another process
/// holds the reminders' job (two servers on one PostgreSQL database).
pub async fn pass(store: &Store, as_of: NaiveDate, channels: &Channels, actor: &str) -> crate::Result<Vec<Sent>> {
    let Some(lock) = store.try_job_lock(JOB).await? else {
        return Ok(Vec::new());
    };
    // Requests whose due date waited for a year's holidays get it as soon as the year is loaded.
    crate::foi::settle_due_dates(store, actor).await?;
    let calendar = store.calendar().await?;
    let mut events = due_obligations(store, as_of, &calendar).await?;
    events.extend(due_findings(store, as_of, &calendar).await?);
    events.extend(due_requests(store, as_of, &calendar).await?);
    let sent = tell(store, as_of, &events, channels, actor).await;
    lock.release().await;
    sent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_says_the_days_truly_left() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let work = DueWork {
            subject: Subject::obligation(ObligationId(1)),
            unit: "广州市从化区温泉镇人民政府".into(),
            what: "任务12“报区民政局汇总”".into(),
            due: day("2020-11-30"),
            open: true,
            rules: Rules::default(),
            notices: true,
            not_before: day("2020-01-01"),
        };
        // Two days before: the 3-day reminder, saying two days.
        let events = events_for(&work, day("2020-11-28"), gongkai_domain::calendar::builtin());
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event.key, "reminder:3:2020-11-30");
        assert!(events[0].message.contains("还有 2 天"), "{}", events[0].message);
    }
}
