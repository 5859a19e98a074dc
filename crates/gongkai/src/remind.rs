//! One scheduler pass as of a day: find what is due to be told (reminders
//! before the due date, 催办 after it, 督办 after the plan's number of working
//! days), record it once, then send every delivery this process claims.
//! `gongkai remind run` runs one pass; `gongkai serve` runs one every few
//! minutes.

use crate::channels::Channels;
use chrono::NaiveDate;
use gongkai_domain::calendar::Calendar;
use gongkai_domain::supervision::{EventKind, events_due, is_open, working_days_after};
use gongkai_store::{NewEvent, ObligationFilter, ObligationRow, Store};
use serde::Serialize;

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

/// The calendar the office keeps: the built-in years and its own rows.
pub async fn calendar(store: &Store) -> anyhow::Result<Calendar> {
    let mut calendar = gongkai_domain::calendar::builtin().clone();
    calendar.extend(&store.calendar_rows().await?);
    Ok(calendar)
}

fn message(
    kind: EventKind,
    o: &ObligationRow,
    due: NaiveDate,
    lead: Option<i64>,
    late: u32,
    new_due: Option<NaiveDate>,
) -> String {
    let what = format!("任务{}“{}”", o.task_seq, o.milestone);
    match kind {
        EventKind::Reminder => format!(
            "【到期提醒】{}：{what}将于 {due} 到期（还有 {} 天），请按时办理并报送。",
            o.unit,
            lead.unwrap_or(0)
        ),
        EventKind::Overdue => format!("【催办】{}：{what}已于 {due} 到期，尚未报送，请尽快办理。", o.unit),
        EventKind::Escalation => format!(
            "【督办通知 {{number}}】{}：{what}原定 {due} 完成，已逾期 {late} 个工作日。请于 {} 前办结并报送。",
            o.unit,
            new_due.map(|d| d.to_string()).unwrap_or_default()
        ),
    }
}

/// Runs one pass. Gives nothing when another process holds the scheduler
/// (two servers on one PostgreSQL database).
pub async fn pass(store: &Store, as_of: NaiveDate, channels: &Channels, actor: &str) -> anyhow::Result<Vec<Sent>> {
    let Some(_lock) = store.try_scheduler_lock().await? else {
        return Ok(Vec::new());
    };
    let rules = store.plan_rules().await?;
    let calendar = calendar(store).await?;
    let open: Vec<ObligationRow> =
        store.obligations(&ObligationFilter::default()).await?.into_iter().filter(|o| is_open(&o.status)).collect();
    let mut events = Vec::new();
    for o in &open {
        let (Some(due), Some(plan_rules)) = (o.due, rules.get(&o.plan_id)) else { continue };
        for event in events_due(due, &o.status, as_of, plan_rules, &calendar) {
            let new_due = (event.kind == EventKind::Escalation)
                .then(|| calendar.add_working_days(as_of, plan_rules.notice_working_days).ok())
                .flatten();
            let late = working_days_after(due, as_of, &calendar);
            events.push(NewEvent {
                obligation_id: o.id,
                unit: o.unit.clone(),
                message: message(event.kind, o, due, event.lead, late, new_due),
                new_due,
                event,
            });
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
