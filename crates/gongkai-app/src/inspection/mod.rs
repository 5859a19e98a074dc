//! 网上巡查: the inspector reads each published catalogue item's column on
//! the unit's website (`fetch`), judges it against the item's 公开时限 and
//! the records the unit entered (`gongkai_domain::inspection`), and turns
//! what it finds into 整改 work for the unit: reminded, chased, scored and
//! reported like any other work, answered by the unit, confirmed fixed by
//! the next run or dismissed by the office with a reason.
//!
//! A run is three steps any server may take part in: `start` queues each
//! distinct column address once; `work` claims a site's columns at a time
//! from the shared queue and reads them politely; the server that finds a
//! run's queue empty `judge`s it. `inspect` does all three in one process.

mod acts;
mod fetch;

pub use acts::{
    ColumnChange, Escalation, FindingView, Inspector, answer, begin, carry_out, changes, dismiss, escalate,
    fetch_words, finding, findings, report, runs, start_if_due, status_label, view,
};
pub use fetch::{ColumnRead, Fetcher, PageFetch, Politeness, USER_AGENT, is_public, same_site, site_of, status_words};

use crate::catalogues::rule_of;
use chrono::NaiveDate;
use gongkai_domain::inspection::{ColumnSeen, Finding, FindingKind, Listed, Recorded, judge as judge_column};
use gongkai_io::column::ColumnItem;
use gongkai_store::{ColumnToRead, FetchResult, FetchRow, FindingFilter, FindingRow, NewFinding, RunId, Store};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use url::Url;

/// The name of the scheduled inspection's job (one lock per job name).
pub const JOB: &str = "inspection";

/// How far back a run looks for records under an item.
const LOOK_BACK_DAYS: u64 = 366;

/// Listed links of a column checked for being broken: the newest (a list
/// whose newest link is broken usually has a broken template).
const LINKS_PER_COLUMN: usize = 1;

/// Reads one column (`gongkai inspect page`): every page up to `pages`.
pub async fn read_page(url: &str, pages: usize, politeness: Politeness, today: NaiveDate) -> crate::Result<ColumnRead> {
    let column = column_address(url)?;
    let fetcher = Fetcher::new(Politeness { max_pages: pages.clamp(1, 500), ..politeness })?;
    Ok(fetcher.column(&column, None, today).await)
}

/// A column address as typed: http(s), a host, no spaces.
pub fn column_address(text: &str) -> crate::Result<Url> {
    let text = text.trim();
    Url::parse(text)
        .ok()
        .filter(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some() && !text.contains(char::is_whitespace)
        })
        .ok_or_else(|| crate::Error::invalid(format!("栏目地址“{text}”无效：应以 http:// 或 https:// 开头")))
}

/// Opens a run as of `as_of` over the published catalogues of `unit` (or
/// every unit): each distinct column address queued once, to be read back
/// to the oldest record of the last year entered under its items.
pub async fn start(store: &Store, as_of: NaiveDate, unit: Option<&str>, actor: &str) -> crate::Result<RunId> {
    let mut items = store.inspectable(None).await?;
    let mut unit_id = None;
    if let Some(name) = unit {
        let directory = store.directory().await?;
        let name = directory
            .find(name)
            .map(|u| u.name.clone())
            .ok_or_else(|| crate::Error::invalid(format!("单位目录中没有“{name}”")))?;
        items.retain(|i| i.unit == name);
        unit_id = Some(items.first().map(|i| i.unit_id).ok_or_else(|| {
            crate::Error::invalid(format!("{name}还没有已公布、填写了栏目地址的标准目录事项，无从巡查"))
        })?);
    }
    if items.is_empty() {
        return Err(crate::Error::invalid("还没有已公布、填写了栏目地址的标准目录事项，无从巡查"));
    }
    let since = as_of.checked_sub_days(chrono::Days::new(LOOK_BACK_DAYS)).unwrap_or(as_of);
    let mut records: HashMap<_, Vec<_>> = HashMap::new();
    for record in store.records_since(since).await? {
        records.entry(record.item_id).or_default().push(record);
    }
    let mut columns: BTreeMap<String, ColumnToRead> = BTreeMap::new();
    for item in &items {
        let Ok(url) = column_address(&item.url) else { continue };
        let column = columns.entry(url.to_string()).or_insert_with(|| ColumnToRead {
            url: url.to_string(),
            site: site_of(&url),
            since: None,
            links: Vec::new(),
        });
        for record in records.get(&item.item_id).into_iter().flatten() {
            column.since = Some(column.since.map_or(record.published_on, |d| d.min(record.published_on)));
            let same = Url::parse(&record.url).is_ok_and(|u| same_site(&u, &url));
            if same && !column.links.contains(&record.url) {
                column.links.push(record.url.clone());
            }
        }
    }
    let columns: Vec<ColumnToRead> = columns.into_values().collect();
    Ok(store.start_run(as_of, unit_id, &columns, actor).await?)
}

/// Reads the queued columns this process can claim, `sites_at_once` sites
/// at a time, until none is left. Gives the number of columns read.
pub async fn work(store: &Store, fetcher: &Fetcher, worker: &str, today: NaiveDate) -> crate::Result<usize> {
    let workers = fetcher.politeness().sites_at_once.max(1);
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..workers {
        let (store, fetcher, worker) = (store.clone(), fetcher.clone(), format!("{worker}#{n}"));
        tasks.spawn(async move {
            let mut read = 0;
            loop {
                let claimed = store.claim_site(&worker).await?;
                if claimed.is_empty() {
                    return Ok::<usize, crate::Error>(read);
                }
                for fetch in claimed {
                    let result = read_column(&fetcher, &fetch, today).await;
                    if store.finish_fetch(fetch.id, &worker, &result).await? {
                        read += 1;
                    }
                }
            }
        });
    }
    let mut read = 0;
    while let Some(done) = tasks.join_next().await {
        read += done.map_err(|e| crate::Error::internal(format!("inspection worker: {e}")))??;
    }
    Ok(read)
}

/// Reads one queued column and the links to check on its site.
async fn read_column(fetcher: &Fetcher, fetch: &FetchRow, today: NaiveDate) -> FetchResult {
    let Ok(url) = Url::parse(&fetch.url) else {
        return FetchResult {
            http_status: None,
            pages: 0,
            millis: 0,
            items: 0,
            error: Some("栏目地址无效".into()),
            listed: "[]".into(),
            complete: false,
            broken: "[]".into(),
        };
    };
    // Without records to look for, the first page tells whether the column is kept up.
    let since = fetch.since.unwrap_or(today);
    let read = fetcher.column(&url, Some(since), today).await;
    let first = read.pages.first();
    let complete = read.pages.len() < fetcher.politeness().max_pages
        && !read.items.iter().any(|i| i.date < since)
        && read.pages.iter().all(|p| p.error.is_none());
    let mut links: Vec<String> = serde_json::from_str(&fetch.links).unwrap_or_default();
    let mut newest: Vec<&ColumnItem> = read.items.iter().collect();
    newest.sort_by_key(|i| std::cmp::Reverse(i.date));
    for item in newest.into_iter().take(LINKS_PER_COLUMN) {
        let same = Url::parse(&item.url).is_ok_and(|u| same_site(&u, &url));
        if same && !links.contains(&item.url) {
            links.push(item.url.clone());
        }
    }
    let mut broken = Vec::new();
    if read.failure().is_none() {
        for link in links {
            let Ok(address) = Url::parse(&link) else { continue };
            if let Ok(answer) = fetcher.get(&address, &url).await
                && matches!(answer.status, 404 | 410)
            {
                broken.push((link, status_words(answer.status)));
            }
        }
    }
    FetchResult {
        http_status: first.and_then(|p| p.status),
        pages: read.pages.len(),
        millis: read.pages.iter().map(|p| p.millis).sum(),
        items: read.items.len(),
        error: first.and_then(|p| p.error.clone()),
        listed: serde_json::to_string(&read.items).unwrap_or_else(|_| "[]".into()),
        complete,
        broken: serde_json::to_string(&broken).unwrap_or_else(|_| "[]".into()),
    }
}

/// What a judged run concluded.
#[derive(Debug, Clone, Serialize)]
pub struct Judged {
    pub run: RunId,
    pub new: usize,
    pub again: usize,
    pub fixed: usize,
}

/// Judges a run whose columns are all read, when there is one and no other
/// server took it: each item's column against its rule and records; new
/// problems get `fix_working_days` to be fixed.
pub async fn judge(store: &Store, fix_working_days: u32, actor: &str) -> crate::Result<Option<Judged>> {
    let Some(run) = store.take_run_to_judge().await? else { return Ok(None) };
    let row = store.inspection_run(run).await?;
    let calendar = store.calendar().await?;
    let as_of = row.as_of;
    let fetches: HashMap<String, FetchRow> =
        store.run_fetches(run).await?.into_iter().map(|f| (f.url.clone(), f)).collect();
    let since = as_of.checked_sub_days(chrono::Days::new(LOOK_BACK_DAYS)).unwrap_or(as_of);
    let mut records: HashMap<_, Vec<Recorded>> = HashMap::new();
    for r in store.records_since(since).await? {
        records.entry(r.item_id).or_default().push(Recorded {
            title: r.title,
            url: r.url,
            published_on: r.published_on,
            event_on: r.event_on,
        });
    }
    let mut findings = Vec::new();
    let mut judged = Vec::new();
    for item in store.inspectable(None).await? {
        let Ok(url) = column_address(&item.url) else { continue };
        let Some(fetch) = fetches.get(url.as_str()) else { continue };
        let Some(column) = seen(fetch) else { continue };
        let rule = rule_of(&item.timelimit, item.rule.as_deref());
        let found = judge_column(&rule, records.get(&item.item_id).map_or(&[][..], |r| r), &column, as_of, &calendar);
        judged.push(item.item_id);
        findings.extend(found.into_iter().map(|f: Finding| NewFinding {
            unit_id: item.unit_id,
            item_id: item.item_id,
            kind: f.kind.code().to_string(),
            key: f.key,
            url: f.url,
            evidence: f.evidence,
        }));
    }
    let due = calendar.add_working_days_or_weekdays(as_of, fix_working_days);
    let (new, again, fixed) = store.save_findings(run, as_of, due, &findings, &judged, actor).await?;
    Ok(Some(Judged { run, new, again, fixed }))
}

/// The column as the judge sees it; none when it could not be inspected
/// (no answer, robots.txt, a redirect off the site): no finding either way.
fn seen(fetch: &FetchRow) -> Option<ColumnSeen> {
    let status = fetch.http_status;
    let failure = match (status, &fetch.error) {
        (Some(s), _) if (400..500).contains(&s) => Some(format!("栏目页面打不开：{}", status_words(s as u16))),
        (Some(s), None) if (200..300).contains(&s) => None,
        _ => return None,
    };
    let items: Vec<Listed> = serde_json::from_str(&fetch.listed).unwrap_or_default();
    let broken: Vec<(String, String)> = serde_json::from_str(&fetch.broken).unwrap_or_default();
    Some(ColumnSeen { url: fetch.url.clone(), failure, items, complete: fetch.complete, broken })
}

/// One finding as `gongkai inspect run --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct FindingLine {
    pub unit: String,
    pub item: String,
    pub kind: String,
    pub kind_label: String,
    pub url: String,
    pub evidence: String,
    pub status: String,
    pub due: NaiveDate,
}

impl From<&FindingRow> for FindingLine {
    fn from(f: &FindingRow) -> FindingLine {
        FindingLine {
            unit: f.unit.clone(),
            item: f.item_name(),
            kind: f.kind.clone(),
            kind_label: FindingKind::from_code(&f.kind).map(|k| k.label()).unwrap_or("").to_string(),
            url: f.url.clone(),
            evidence: f.evidence.clone(),
            status: f.status.clone(),
            due: f.due_date,
        }
    }
}

/// A whole run in this process (`gongkai inspect run`): start, read every
/// column, judge. Gives the run and the problems open after it (of the
/// unit inspected, or all) as this run saw them.
pub async fn inspect(
    store: &Store,
    fetcher: &Fetcher,
    as_of: NaiveDate,
    unit: Option<&str>,
    fix_working_days: u32,
    actor: &str,
) -> crate::Result<(Judged, Vec<FindingRow>)> {
    let run = start(store, as_of, unit, actor).await?;
    let worker = format!("{}-{}", std::process::id(), run.0);
    work(store, fetcher, &worker, as_of).await?;
    // Another server may be judging it; wait for it to be done.
    let judged = loop {
        match judge(store, fix_working_days, actor).await? {
            Some(judged) if judged.run == run => break judged,
            Some(_) => continue,
            None if store.inspection_run(run).await?.status == "done" => {
                break Judged { run, new: 0, again: 0, fixed: 0 };
            }
            None => {
                // Columns another server claimed and left are taken over once stale.
                work(store, fetcher, &worker, as_of).await?;
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        }
    };
    let unit = match unit {
        Some(name) => store.directory().await?.find(name).map(|u| u.name.clone()),
        None => None,
    };
    let mut open = store.findings(&FindingFilter { unit, open: true, ..Default::default() }).await?;
    open.retain(|f| f.last_run == run);
    Ok((judged, open))
}
