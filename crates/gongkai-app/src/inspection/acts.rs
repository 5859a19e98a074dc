//! 网上巡查 as people use it: the office starts a run and reads what it
//! found and what changed since the last one (task 29's 信息更新情况); a
//! unit reads its own findings and says what it fixed; the office sets a
//! finding aside with its reason; the 巡查通报 as .docx or PDF.

use super::{Fetcher, Politeness, judge, start, work};
use crate::catalogues::author;
use crate::documents::chinese_date;
use crate::{App, Error, Result};
use chrono::NaiveDate;
use gongkai_domain::input::REASON;
use gongkai_domain::inspection::FindingKind;
use gongkai_io::out::{Block, Document, Section};
use gongkai_store::{FetchRow, FindingFilter, FindingId, FindingRow, RunId, RunRow, Store, User};
use serde::Serialize;
use std::collections::HashMap;

/// How the inspector behaves and how long a unit has to fix what it finds.
#[derive(Debug, Clone)]
pub struct Inspector {
    pub politeness: Politeness,
    pub fix_working_days: u32,
}

impl Default for Inspector {
    fn default() -> Inspector {
        Inspector { politeness: Politeness::default(), fix_working_days: 5 }
    }
}

fn office_only(user: &User) -> Result<()> {
    if crate::access::manages(user.role) { Ok(()) } else { Err(Error::Forbidden) }
}

/// Starts a run as of `as_of` (the office), reads and judges it in the
/// background; the run's page shows how far it got.
pub async fn begin(app: &App, user: &User, as_of: NaiveDate, unit: Option<&str>) -> Result<RunId> {
    office_only(user)?;
    let run = start(&app.store, as_of, unit, &user.login).await?;
    let (store, inspector, actor) = (app.store.clone(), app.inspector.clone(), user.login.clone());
    tokio::spawn(async move {
        if let Err(error) = carry_out(&store, &inspector, as_of, &format!("web-{}", run.0), &actor).await {
            tracing::error!(%error, run = run.0, "inspection failed");
        }
    });
    Ok(run)
}

/// Reads what this server can claim of every run's queue, then judges any
/// run whose queue is empty (what each server does on its schedule).
pub async fn carry_out(
    store: &Store,
    inspector: &Inspector,
    today: NaiveDate,
    worker: &str,
    actor: &str,
) -> Result<()> {
    let fetcher = Fetcher::new(inspector.politeness.clone())?;
    work(store, &fetcher, worker, today).await?;
    while let Some(judged) = judge(store, inspector.fix_working_days, actor).await? {
        tracing::info!(run = judged.run.0, new = judged.new, fixed = judged.fixed, "inspection judged");
    }
    Ok(())
}

/// The scheduled run: when `every_days` have passed since the last run
/// began (or there was none), one server starts a new one over every unit.
pub async fn start_if_due(store: &Store, every_days: u32, today: NaiveDate, actor: &str) -> Result<Option<RunId>> {
    if every_days == 0 {
        return Ok(None);
    }
    let Some(lock) = store.try_job_lock(super::JOB).await? else { return Ok(None) };
    let last = store.runs(1).await?.into_iter().next();
    let due = last.is_none_or(|r| (today - r.as_of).num_days() >= i64::from(every_days));
    let started = if due {
        match start(store, today, None, actor).await {
            Ok(run) => Some(run),
            // Nothing published with an address yet: nothing to inspect.
            Err(Error::Invalid(_)) => None,
            Err(e) => {
                lock.release().await;
                return Err(e);
            }
        }
    } else {
        None
    };
    lock.release().await;
    Ok(started)
}

pub async fn runs(app: &App, user: &User) -> Result<Vec<RunRow>> {
    office_only(user)?;
    Ok(app.store.runs(100).await?)
}

/// A finding as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub id: FindingId,
    pub unit: String,
    pub item: String,
    pub area: String,
    pub catalogue_id: i64,
    pub kind: String,
    pub kind_label: &'static str,
    pub url: String,
    pub evidence: String,
    pub status: String,
    pub status_label: &'static str,
    pub found_on: NaiveDate,
    pub due: NaiveDate,
    pub overdue: bool,
    pub answer: String,
    pub answered_by: Option<String>,
    pub reason: String,
    pub dismissed_by: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub first_run: i64,
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "open" => "待整改",
        "answered" => "已报整改，待复核",
        "fixed" => "已整改",
        "dismissed" => "不予整改",
        _ => "",
    }
}

pub fn view(f: &FindingRow, today: NaiveDate) -> FindingView {
    FindingView {
        id: f.id,
        unit: f.unit.clone(),
        item: f.item_name(),
        area: f.area.clone(),
        catalogue_id: f.catalogue_id.0,
        kind: f.kind.clone(),
        kind_label: FindingKind::from_code(&f.kind).map_or("", |k| k.label()),
        url: f.url.clone(),
        evidence: f.evidence.clone(),
        status: f.status.clone(),
        status_label: status_label(&f.status),
        found_on: f.found_on,
        due: f.due_date,
        overdue: f.status == "open" && f.due_date < today,
        answer: f.answer.clone(),
        answered_by: f.answered_by.clone(),
        reason: f.reason.clone(),
        dismissed_by: f.dismissed_by.clone(),
        closed_on: f.closed_on,
        first_run: f.first_run.0,
    }
}

/// Findings the user may read: the office every unit's (or the unit it
/// names, as typed: a short name finds it), a unit its own. Gives the unit
/// listed, by its full name.
pub async fn findings(
    app: &App,
    user: &User,
    unit: Option<&str>,
    open: bool,
) -> Result<(Option<String>, Vec<FindingRow>)> {
    let named = match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(name) => Some(app.directory().await?.find(name).map(|u| u.name.clone()).ok_or(Error::NotFound)?),
        None => None,
    };
    let unit = match crate::access::unit_scope(user)? {
        Some(own) => Some(own),
        None if crate::access::sees_region(user.role) => named,
        None => return Err(Error::Forbidden),
    };
    let filter = FindingFilter { unit: unit.clone(), open, limit: Some(5_000), ..Default::default() };
    Ok((unit, app.store.findings(&filter).await?))
}

/// One finding, if the user may read it (a unit's staff only their own).
pub async fn finding(app: &App, user: &User, id: FindingId) -> Result<FindingRow> {
    let f = app.store.finding(id).await.map_err(|_| Error::NotFound)?;
    match crate::access::unit_scope(user)? {
        Some(own) if own != f.unit => Err(Error::NotFound),
        None if !crate::access::sees_region(user.role) => Err(Error::NotFound),
        _ => Ok(f),
    }
}

/// The unit says what it fixed; the next run confirms it.
pub async fn answer(app: &App, user: &User, id: FindingId, text: &str) -> Result<()> {
    let f = finding(app, user, id).await?;
    if user.unit.as_deref() != Some(f.unit.as_str()) {
        return Err(Error::Forbidden);
    }
    let text = REASON.clean(text.trim())?;
    if text.is_empty() {
        return Err(Error::invalid("请写明整改情况：改了什么、在哪里能看到"));
    }
    Ok(app.store.answer_finding(id, &text, author(user), &user.login).await?)
}

/// The office sets a finding aside; it is not raised again.
pub async fn dismiss(app: &App, user: &User, id: FindingId, reason: &str) -> Result<()> {
    office_only(user)?;
    finding(app, user, id).await?;
    let reason = REASON.clean(reason.trim())?;
    if reason.is_empty() {
        return Err(Error::invalid("请写明不予整改的理由"));
    }
    Ok(app.store.dismiss_finding(id, &reason, author(user), &user.login).await?)
}

/// 督办 (the office): the finding gets a new deadline and the unit a
/// 督办 message, sent by the next reminder pass through its channels.
/// `seen_due` is the deadline the office saw: a second click finds it
/// changed and does nothing.
pub struct Escalation<'a> {
    pub seen_due: NaiveDate,
    pub new_due: NaiveDate,
    pub note: &'a str,
    pub today: NaiveDate,
}

pub async fn escalate(app: &App, user: &User, id: FindingId, asked: Escalation<'_>) -> Result<()> {
    let Escalation { seen_due, new_due, note, today } = asked;
    office_only(user)?;
    let f = finding(app, user, id).await?;
    if f.due_date != seen_due {
        return Err(Error::Conflict("该问题的整改期限已改过，请刷新页面".into()));
    }
    if f.status != "open" {
        return Err(Error::Conflict(format!("该问题{}，无需督办", status_label(&f.status))));
    }
    if new_due <= today {
        return Err(Error::invalid("新的整改期限应晚于今天"));
    }
    let note = REASON.clean(note.trim())?;
    app.store.escalate_finding(id, f.due_date, new_due, &note, &user.login).await?;
    let calendar = app.store.calendar().await?;
    let late = gongkai_domain::supervision::working_days_after(f.due_date, today, &calendar);
    let label = FindingKind::from_code(&f.kind).map_or("", |k| k.label());
    let mut message = format!(
        "【督办】{}：网上巡查发现的“{}”{label}问题原定 {} 前整改，{}请于 {new_due} 前整改，并在平台报告整改情况。",
        f.unit,
        f.item_name(),
        f.due_date,
        if late > 0 { format!("已逾期 {late} 个工作日。") } else { String::new() },
    );
    if !note.is_empty() {
        message.push_str(&note);
    }
    let event = gongkai_store::NewEvent {
        subject: gongkai_store::Subject { kind: crate::remind::FINDING.into(), id: id.0 },
        unit: f.unit.clone(),
        event: gongkai_domain::supervision::Event {
            kind: gongkai_domain::supervision::EventKind::Escalation,
            key: format!("escalation:{}", f.due_date),
            lead: None,
            date: today,
        },
        message,
        new_due: None,
    };
    app.store.record_events(today, &[event], &user.login).await?;
    Ok(())
}

/// A column as this run and the run before it read it (信息更新情况).
#[derive(Debug, Clone, Serialize)]
pub struct ColumnChange {
    pub unit: String,
    pub items: String,
    pub url: String,
    /// The newest item's date the last time, and now.
    pub before: Option<NaiveDate>,
    pub now: Option<NaiveDate>,
    /// Items listed now that were not listed the last time.
    pub added: usize,
    pub status: String,
}

/// Each column of `run` beside the previous finished run's reading of it.
pub async fn changes(store: &Store, run: RunId) -> Result<(Option<RunRow>, Vec<ColumnChange>)> {
    let previous = store.previous_run(run).await?;
    let before: HashMap<String, FetchRow> = match &previous {
        Some(p) => store.run_fetches(p.id).await?.into_iter().map(|f| (f.url.clone(), f)).collect(),
        None => HashMap::new(),
    };
    // Each column's unit and items, by the address as it was queued.
    let mut owners: HashMap<String, (String, Vec<String>)> = HashMap::new();
    for item in store.inspectable(None).await? {
        let Ok(url) = super::column_address(&item.url) else { continue };
        let entry = owners.entry(url.to_string()).or_insert_with(|| (item.unit.clone(), Vec::new()));
        entry.1.push(item.name());
    }
    let listed =
        |f: &FetchRow| serde_json::from_str::<Vec<gongkai_domain::inspection::Listed>>(&f.listed).unwrap_or_default();
    let mut out = Vec::new();
    for fetch in store.run_fetches(run).await? {
        let (unit, items) = owners.get(&fetch.url).cloned().unwrap_or_default();
        let now = listed(&fetch);
        let old = before.get(&fetch.url).map(listed);
        let added = match &old {
            Some(old) => now.iter().filter(|i| !old.iter().any(|o| o.url == i.url)).count(),
            None => 0,
        };
        out.push(ColumnChange {
            unit,
            items: items.join("、"),
            url: fetch.url.clone(),
            before: old.as_ref().and_then(|o| o.iter().map(|i| i.date).max()),
            now: now.iter().map(|i| i.date).max(),
            added,
            status: fetch_words(&fetch),
        });
    }
    out.sort_by(|a, b| a.unit.cmp(&b.unit).then(a.url.cmp(&b.url)));
    Ok((previous, out))
}

/// How a fetch went, in words.
pub fn fetch_words(f: &FetchRow) -> String {
    match (f.status.as_str(), f.http_status, &f.error) {
        ("pending", ..) => "排队中".into(),
        ("fetching", ..) => "读取中".into(),
        (_, _, Some(error)) => error.clone(),
        (_, Some(s), None) if s >= 400 => format!("打不开：{}", super::status_words(s as u16)),
        _ => format!("已读取 {} 页，{} 条信息", f.pages, f.items),
    }
}

/// The 巡查通报 of a finished run: what was inspected, the problems (a
/// table), what changed since the last run, what is asked of the units.
pub async fn report(app: &App, user: &User, run: RunId, region: &str) -> Result<Document> {
    office_only(user)?;
    let row = app.store.inspection_run(run).await?;
    if row.status != "done" {
        return Err(Error::Conflict("这次巡查尚未完成，完成后才能生成通报".into()));
    }
    let all = app.store.findings(&FindingFilter { limit: Some(i64::MAX), ..Default::default() }).await?;
    let seen: Vec<&FindingRow> = all.iter().filter(|f| f.last_run == run && f.status != "dismissed").collect();
    let fixed: Vec<&FindingRow> = all.iter().filter(|f| f.closed_run == Some(run)).collect();
    let new = seen.iter().filter(|f| f.first_run == run).count();
    let (previous, columns) = changes(&app.store, run).await?;
    let units: std::collections::BTreeSet<&str> = columns.iter().map(|c| c.unit.as_str()).collect();
    let mut by_kind: Vec<String> = Vec::new();
    for kind in FindingKind::ALL {
        let n = seen.iter().filter(|f| f.kind == kind.code()).count();
        if n > 0 {
            by_kind.push(format!("{}{n}个", kind.label()));
        }
    }
    let basics = format!(
        "{}，{region}政务公开办对{}个单位已公布标准目录所列的{}个网站栏目开展网上巡查，共读取网页{}页，{}个栏目未能读取。本次巡查发现问题{}个{}，其中新发现{new}个；{}",
        chinese_date(row.as_of),
        units.len(),
        row.columns,
        row.pages,
        row.failed,
        seen.len(),
        if by_kind.is_empty() { String::new() } else { format!("（{}）", by_kind.join("、")) },
        match &previous {
            Some(p) => format!("{}巡查发现的问题中已整改{}个。", chinese_date(p.as_of), fixed.len()),
            None => "这是首次巡查。".to_string(),
        }
    );
    let problems: Vec<Vec<String>> = seen
        .iter()
        .enumerate()
        .map(|(n, f)| {
            vec![
                (n + 1).to_string(),
                f.unit.clone(),
                f.item_name(),
                FindingKind::from_code(&f.kind).map_or("", |k| k.label()).to_string(),
                f.evidence.clone(),
                f.url.clone(),
                chinese_date(f.due_date),
            ]
        })
        .collect();
    let problems = if problems.is_empty() {
        vec![Block::Paragraph("本次巡查未发现问题。".into())]
    } else {
        vec![Block::Table {
            header: ["序号", "单位", "目录事项", "问题", "情况", "网址", "整改期限"].map(String::from).to_vec(),
            rows: problems,
        }]
    };
    let mut updates = vec![Block::Paragraph(match &previous {
        Some(p) => format!(
            "与{}的巡查相比，{}个栏目有新发布的信息，共新增{}条；{}个栏目没有新信息。",
            chinese_date(p.as_of),
            columns.iter().filter(|c| c.added > 0).count(),
            columns.iter().map(|c| c.added).sum::<usize>(),
            columns.iter().filter(|c| c.added == 0).count(),
        ),
        None => "这是首次巡查，下次巡查将与本次比较各栏目的信息更新情况。".into(),
    })];
    updates.push(Block::Table {
        header: ["单位", "目录事项", "栏目网址", "上次最新", "本次最新", "新增条数"].map(String::from).to_vec(),
        rows: columns
            .iter()
            .map(|c| {
                vec![
                    c.unit.clone(),
                    c.items.clone(),
                    c.url.clone(),
                    c.before.map(chinese_date).unwrap_or_else(|| "—".into()),
                    c.now.map(chinese_date).unwrap_or_else(|| c.status.clone()),
                    if previous.is_some() { c.added.to_string() } else { "—".into() },
                ]
            })
            .collect(),
    });
    let due = seen.iter().filter(|f| f.first_run == run).map(|f| f.due_date).max();
    let ask = format!(
        "请各相关单位{}完成整改，并在平台“网上巡查”中逐条报告整改情况；区政务公开办将在下次巡查中复核，逾期未整改的纳入政务公开工作考核。",
        due.map(|d| format!("于{}前", chinese_date(d))).unwrap_or_else(|| "按期".into())
    );
    Ok(Document {
        title: format!("关于{region}政务公开网上巡查情况的通报"),
        subtitle: Some(format!("（{}）", chinese_date(row.as_of))),
        sections: vec![
            Section { heading: "一、巡查基本情况".into(), blocks: vec![Block::Paragraph(basics)] },
            Section { heading: "二、发现的问题".into(), blocks: problems },
            Section { heading: "三、信息更新情况".into(), blocks: updates },
            Section { heading: "四、整改要求".into(), blocks: vec![Block::Paragraph(ask)] },
        ],
        signature: vec![format!("{region}政务公开办"), chinese_date(row.as_of)],
        landscape: true,
    })
}
