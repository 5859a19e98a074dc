//! 工作台: the programme at a glance, for the office, leaders and the admin —
//! counts by status, traffic lights per unit, what falls due in 7 and 30
//! days, what is overdue and by how long, completion by plan item and by unit
//! (bar charts drawn here as SVG). Every number links to the list behind it.

use crate::ledger::{self, LedgerQuery, Row};
use chrono::{Duration, NaiveDate};
use gongkai_store::{ObligationRow, TaskRow};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Serialize)]
pub struct Totals {
    pub all: usize,
    pub done: usize,
    pub done_late: usize,
    pub awaiting_review: usize,
    pub returned: usize,
    pub overdue: usize,
    pub within_7: usize,
    pub within_30: usize,
}

#[derive(Debug, Serialize)]
pub struct UnitLine {
    pub unit: String,
    pub light: &'static str,
    pub total: usize,
    pub done: usize,
    pub overdue: usize,
    pub due_soon: usize,
    /// The most days any of its obligations is overdue.
    pub worst_days: i64,
}

#[derive(Debug, Serialize)]
pub struct Share {
    pub label: String,
    pub done: usize,
    pub total: usize,
    /// Link to the list behind the bar.
    pub link: String,
}

#[derive(Debug, Serialize)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub totals: Totals,
    pub units: Vec<UnitLine>,
    /// Not done and due within 7 days, soonest first.
    pub next_7: Vec<Row>,
    /// Overdue, longest overdue first.
    pub overdue: Vec<Row>,
    pub by_item: Vec<Share>,
    pub by_unit: Vec<Share>,
    /// Links for each count, in the 台账's query language.
    pub links: BTreeMap<&'static str, String>,
}

fn link(field: &str, value: &str) -> String {
    format!("/my{}", LedgerQuery::default().with(field, value))
}

pub fn build(list: Vec<ObligationRow>, tasks: &[TaskRow], today: NaiveDate) -> Dashboard {
    let rows: Vec<Row> = list.into_iter().map(|o| ledger::row(o, today)).collect();
    let open = |r: &&Row| r.light != "done";
    let within =
        |r: &&Row, days: i64| open(r) && r.o.due.is_some_and(|d| d >= today && d <= today + Duration::days(days));
    let totals = Totals {
        all: rows.len(),
        done: rows.iter().filter(|r| r.light == "done").count(),
        done_late: rows.iter().filter(|r| r.light == "done" && r.late).count(),
        awaiting_review: rows.iter().filter(|r| matches!(r.o.status.as_str(), "submitted" | "signed")).count(),
        returned: rows.iter().filter(|r| r.o.status == "returned").count(),
        overdue: rows.iter().filter(|r| r.light == "red").count(),
        within_7: rows.iter().filter(|r| within(r, ledger::SOON_DAYS)).count(),
        within_30: rows.iter().filter(|r| within(r, 30)).count(),
    };

    let mut units: BTreeMap<&str, UnitLine> = BTreeMap::new();
    for r in &rows {
        let line = units.entry(&r.o.unit).or_insert_with(|| UnitLine {
            unit: r.o.unit.clone(),
            light: "green",
            total: 0,
            done: 0,
            overdue: 0,
            due_soon: 0,
            worst_days: 0,
        });
        line.total += 1;
        match r.light {
            "done" => line.done += 1,
            "red" => {
                line.overdue += 1;
                line.worst_days = line.worst_days.max(r.days.unwrap_or(0));
            }
            "yellow" => line.due_soon += 1,
            _ => {}
        }
    }
    let mut units: Vec<UnitLine> = units.into_values().collect();
    for line in &mut units {
        line.light = if line.overdue > 0 {
            "red"
        } else if line.due_soon > 0 {
            "yellow"
        } else {
            "green"
        };
    }
    units.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(b.due_soon.cmp(&a.due_soon)).then(a.unit.cmp(&b.unit)));

    let by_unit = units
        .iter()
        .map(|u| Share { label: u.unit.clone(), done: u.done, total: u.total, link: link("unit", &u.unit) })
        .collect();
    let mut items: BTreeMap<(u32, String), (usize, usize)> = BTreeMap::new();
    let task_items: BTreeMap<i64, &[String]> = tasks.iter().map(|t| (t.id, t.items.as_slice())).collect();
    for r in &rows {
        for item in task_items.get(&r.o.task_id).copied().unwrap_or_default() {
            let entry = items.entry((gongkai_domain::plan::item_number(item), item.clone())).or_default();
            entry.1 += 1;
            if r.light == "done" {
                entry.0 += 1;
            }
        }
    }
    let by_item = items
        .into_iter()
        .map(|((_, item), (done, total))| Share { link: link("item", &item), label: item, done, total })
        .collect();

    let mut next_7: Vec<Row> = rows.iter().filter(|r| within(r, ledger::SOON_DAYS)).cloned().collect();
    next_7.sort_by_key(|r| r.o.due);
    let mut overdue: Vec<Row> = rows.iter().filter(|r| r.light == "red").cloned().collect();
    overdue.sort_by(|a, b| b.days.cmp(&a.days).then(a.o.unit.cmp(&b.o.unit)));

    let next_30_to = (today + Duration::days(30)).to_string();
    let links = BTreeMap::from([
        ("all", "/my".to_string()),
        ("done", link("light", "done")),
        ("done_late", link("light", "late")),
        ("awaiting_review", "/review".to_string()),
        ("returned", link("status", "returned")),
        (
            "overdue",
            format!("/my{}", LedgerQuery { light: Some("red".into()), ..Default::default() }.with("sort", "light")),
        ),
        ("within_7", link("light", "yellow")),
        (
            "within_30",
            format!(
                "/my{}",
                LedgerQuery { from: Some(today.to_string()), ..Default::default() }.with("to", &next_30_to)
            ),
        ),
    ]);
    Dashboard { today, totals, units, next_7, overdue, by_item, by_unit, links }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// A horizontal bar per share: the done part green, the rest grey, the
/// figures at the end; each bar links to its list. Drawn on the server so
/// that it needs no script.
pub fn bar_chart(title: &str, shares: &[Share]) -> String {
    const ROW: usize = 24;
    const LABEL: usize = 190;
    const BAR: usize = 360;
    let height = ROW * shares.len() + 8;
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title),
        LABEL + BAR + 130
    );
    for (i, share) in shares.iter().enumerate() {
        let y = i * ROW + 4;
        let done_width = (BAR * share.done).checked_div(share.total).unwrap_or(0);
        let percent = (100 * share.done).checked_div(share.total).unwrap_or(0);
        let label = escape(&share.label);
        svg.push_str(&format!(
            r##"<a href="{link}"><title>{label}：完成 {done}/{total}（{percent}%）</title><text x="{lx}" y="{ty}" text-anchor="end" font-size="13">{label}</text><rect x="{LABEL}" y="{y}" width="{BAR}" height="16" fill="#e3e5e8"/><rect x="{LABEL}" y="{y}" width="{done_width}" height="16" fill="#2e7d32"/><text x="{fx}" y="{ty}" font-size="13">{done}/{total}　{percent}%</text></a>"##,
            link = escape(&share.link),
            done = share.done,
            total = share.total,
            lx = LABEL - 8,
            ty = y + 13,
            fx = LABEL + BAR + 8,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_text_is_escaped_and_bars_are_proportional() {
        let shares = vec![Share { label: "<b>镇</b>".into(), done: 1, total: 4, link: "/my?unit=x".into() }];
        let svg = bar_chart("完成情况", &shares);
        assert!(svg.contains("&lt;b&gt;镇&lt;/b&gt;"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains(r#"width="90""#), "a quarter of 360: {svg}");
        assert!(svg.contains("1/4　25%"));
    }
}
