//! How long a district's 网上巡查 takes at a polite rate (BENCHMARKS.md):
//! `units` units, each with a published catalogue of `items` items whose
//! columns are spread over `sites` websites served on loopback (each
//! column a list page of 20 dated items and a second page), read with
//! `interval_ms` between two requests to one site and `sites_at_once`
//! sites at a time. Prints the run's time, requests, the shortest gap seen
//! between two requests to one site (politeness held) and the findings.
//!
//! cargo run --release -p gongkai-app --example inspection_scale -- 40 100 40 200 8 [postgres://…]

use axum::extract::{Path, State};
use chrono::NaiveDate;
use gongkai_app::inspection::{self, Fetcher, Politeness};
use gongkai_domain::catalogue::{CatalogueAct, ItemDraft};
use gongkai_domain::secret::SecretKey;
use gongkai_store::Store;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Every request a site answered: when.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<Instant>>>);

async fn column(State(log): State<Log>, Path((column, page)): Path<(u32, String)>) -> axum::response::Html<String> {
    log.0.lock().unwrap().push(Instant::now());
    if page.starts_with('t') {
        return axum::response::Html("正文".into());
    }
    let second = page == "index_1.html";
    let rows: String = (0u64..20)
        .map(|n| {
            let day =
                NaiveDate::from_ymd_opt(2024, 6, 28).unwrap() - chrono::Days::new(n * 3 + if second { 60 } else { 0 });
            format!(r#"<li><a href="/c/{column}/t{n}.html">第{column}栏目第{n}条信息的标题</a><span>{day}</span></li>"#)
        })
        .collect();
    let pager = if second { "" } else { r#"<a href="index_1.html">下一页</a>"# };
    axum::response::Html(format!(
        r#"<html><meta charset="utf-8"><body><ul class="list">{rows}</ul>{pager}</body></html>"#
    ))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (units, items, sites, interval, at_once) = (
        number(0, 40) as usize,
        number(1, 100) as usize,
        number(2, 40) as usize,
        number(3, 200),
        number(4, 8) as usize,
    );
    let dir = tempfile::tempdir().unwrap();
    let url = args.get(5).cloned().unwrap_or_else(|| format!("sqlite://{}", dir.path().join("scale.db").display()));
    let store = Store::connect(&url, &SecretKey::from_bytes([3; 32])).await.unwrap();
    let directory = gongkai_io::units_csv::conghua();
    store.save_units(&directory, false, "测试").await.unwrap();

    let mut logs = Vec::new();
    let mut addresses = Vec::new();
    for _ in 0..sites {
        let log = Log::default();
        let app = axum::Router::new().route("/c/{column}/{page}", axum::routing::get(column)).with_state(log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        addresses.push(format!("http://{}", listener.local_addr().unwrap()));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        logs.push(log);
    }
    let names: Vec<String> = directory.iter().map(|u| u.name.clone()).take(units).collect();
    let mut n = 0;
    for unit in &names {
        let drafts: Vec<ItemDraft> = (0..items)
            .map(|i| {
                n += 1;
                ItemDraft {
                    level1: Some(format!("事项{i}")),
                    content: "信息".into(),
                    timelimit: "每季度更新".into(),
                    url: Some(format!("{}/c/{n}/index.html", addresses[n % sites])),
                    ..Default::default()
                }
            })
            .collect();
        let id = store.save_catalogue(unit, "综合", 0, "", "", &drafts, None, "测试").await.unwrap();
        for act in [CatalogueAct::Submit, CatalogueAct::Accept, CatalogueAct::Approve, CatalogueAct::Publish] {
            let seen = store.catalogue(id).await.unwrap().revision;
            store.catalogue_act(id, act, seen, "", Some("批准"), None, "测试").await.unwrap();
        }
    }
    let fetcher = Fetcher::new(Politeness {
        interval: Duration::from_millis(interval),
        sites_at_once: at_once,
        private_addresses: true,
        ..Politeness::default()
    })
    .unwrap();
    let started = Instant::now();
    let (judged, open) =
        inspection::inspect(&store, &fetcher, NaiveDate::from_ymd_opt(2024, 6, 28).unwrap(), None, 5, "测试")
            .await
            .unwrap();
    let took = started.elapsed();
    let mut requests = 0;
    let mut shortest = Duration::MAX;
    for log in &logs {
        let mut times = log.0.lock().unwrap().clone();
        times.sort();
        requests += times.len();
        for pair in times.windows(2) {
            shortest = shortest.min(pair[1] - pair[0]);
        }
    }
    let run = store.inspection_run(judged.run).await.unwrap();
    println!(
        "{} units × {items} items = {} columns on {sites} sites, {interval} ms apart per site, {at_once} sites at once ({})",
        names.len(),
        run.columns,
        if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" }
    );
    println!(
        "run took {:.1} s: {} requests ({} pages), {:.1} requests/s; shortest gap between two requests to one site {} ms; {} problems",
        took.as_secs_f64(),
        requests,
        run.pages,
        requests as f64 / took.as_secs_f64(),
        shortest.as_millis(),
        open.len()
    );
}
