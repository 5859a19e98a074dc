//! One scheduler pass as of a day: find what is due to be told (reminders
//! before the due date, 催办 after it, 督办 after the plan's number of working
//! days), record it once, then send every delivery this process claims.
//! `gongkai remind run` runs one pass; `gongkai serve` runs one every few
//! minutes.

use crate::channels::Channels;
use chrono::NaiveDate;
use gongkai_domain::status::ObligationStatus;
use gongkai_domain::supervision::{EventKind, Wording, events_due, working_days_after};
use gongkai_store::{NewEvent, ObligationFilter, Order, Store};
use serde::Serialize;

/// Obligations read per query in a pass.
const PAGE: i64 = 10_000;

/// One message that went out (or could not).
#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    pub obligation: i64,
    pub unit: String,
    /// reminder, 催办 or 督办.
    pub kind: String,
    pub channel: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Runs one pass. Gives nothing when another process holds the scheduler
/// (two servers on one PostgreSQL database).
pub async fn pass(store: &Store, as_of: NaiveDate, channels: &Channels, actor: &str) -> crate::Result<Vec<Sent>> {
    let Some(_lock) = store.try_scheduler_lock().await? else {
        return Ok(Vec::new());
    };
    let rules = store.plan_rules().await?;
    let calendar = store.calendar().await?;
    // Open work due before the longest lead time ends, read a page at a time
    // and turned into events as it comes: a province has hundreds of
    // thousands of open obligations.
    let longest_lead = rules.values().flat_map(|r| r.lead_days.iter().copied()).max().unwrap_or(0).max(0);
    let horizon = as_of + chrono::Duration::days(longest_lead + 1);
    let mut events = Vec::new();
    // The statuses `is_open` counts as open.
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
            for o in &page {
                let (Some(due), Some(plan_rules)) = (o.due, rules.get(&o.plan_id)) else { continue };
                for event in events_due(due, o.status, as_of, plan_rules, &calendar) {
                    let new_due = (event.kind == EventKind::Escalation)
                        .then(|| calendar.add_working_days(as_of, plan_rules.notice_working_days).ok())
                        .flatten();
                    let wording = Wording { unit: &o.unit, task_seq: o.task_seq, milestone: &o.milestone, due };
                    let message = match (event.kind, new_due) {
                        (EventKind::Reminder, _) => wording.reminder(event.lead.unwrap_or(0)),
                        (EventKind::Overdue, _) | (EventKind::Escalation, None) => wording.overdue(),
                        (EventKind::Escalation, Some(new_due)) => {
                            wording.notice(working_days_after(due, as_of, &calendar), new_due)
                        }
                    };
                    events.push(NewEvent { obligation_id: o.id, unit: o.unit.clone(), message, new_due, event });
                }
            }
            if !full {
                break;
            }
        }
    }
    store.record_events(as_of, &events, actor).await?;
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
                obligation: out.obligation,
                unit: out.unit,
                kind: out.kind,
                channel: out.channel,
                error: outcome.err(),
            });
        }
    }
    Ok(sent)
}
