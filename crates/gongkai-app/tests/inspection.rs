//! 网上巡查 against a website served on loopback by the test: real markups
//! (a TRS page as 宜春 served it, list and table layouts with each kind of
//! pager), a GBK page, a robots.txt that forbids a path, a slow page, a 404
//! column and an empty one, with planted problems. The inspector finds
//! exactly those, reads nothing it may not and nothing off the site, turns
//! each into 整改 work that is reminded and chased, and the next run
//! confirms what was fixed. On PostgreSQL two servers share one run without
//! reading any column twice.

use axum::body::Body;
use axum::http::{Response, StatusCode, Uri};
use chrono::NaiveDate;
use gongkai_app::inspection::{self, Fetcher, Politeness};
use gongkai_domain::catalogue::{CatalogueAct, ItemDraft};
use gongkai_domain::secret::SecretKey;
use gongkai_store::{FindingFilter, NewRecordRow, Store, scratch};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TOWN: &str = "广州市从化区温泉镇人民政府";
const BUREAU: &str = "广州市从化区民政局";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// One page the site serves.
#[derive(Clone)]
struct Page {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    delay: Duration,
}

fn html(body: String) -> Page {
    Page { status: 200, content_type: "text/html; charset=utf-8", body: body.into_bytes(), delay: Duration::ZERO }
}

/// A site on loopback: its pages by path, and every path asked for.
#[derive(Clone, Default)]
struct Site {
    pages: Arc<Mutex<HashMap<String, Page>>>,
    hits: Arc<Mutex<Vec<String>>>,
}

impl Site {
    fn put(&self, path: &str, page: Page) {
        self.pages.lock().unwrap().insert(path.to_string(), page);
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().iter().filter(|p| *p == path).count()
    }

    async fn serve(&self) -> String {
        let site = self.clone();
        let app = axum::Router::new().fallback(move |uri: Uri| {
            let site = site.clone();
            async move {
                let path = uri.path().to_string();
                site.hits.lock().unwrap().push(path.clone());
                let page = site.pages.lock().unwrap().get(&path).cloned();
                let Some(page) = page else {
                    return Response::builder().status(StatusCode::NOT_FOUND).body(Body::from("没有这个页面")).unwrap();
                };
                tokio::time::sleep(page.delay).await;
                Response::builder()
                    .status(page.status)
                    .header("content-type", page.content_type)
                    .body(Body::from(page.body))
                    .unwrap()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{address}")
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../gongkai-io/tests/columns/{name}/page.html", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The paths of a real page's items (their documents are served too: the
/// column is stale, its links are not broken).
fn fixture_items(name: &str, served_at: &str) -> Vec<String> {
    let truth = std::fs::read_to_string(format!(
        "{}/../gongkai-io/tests/columns/{name}/truth.json",
        env!("CARGO_MANIFEST_DIR")
    ));
    let truth: serde_json::Value = serde_json::from_str(&truth.unwrap()).unwrap();
    let page = url::Url::parse(truth["url"].as_str().unwrap()).unwrap();
    truth["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| url::Url::parse(i["url"].as_str().unwrap()).ok())
        .filter_map(|u| u.path().strip_prefix(page.path()).map(|rest| format!("{served_at}{rest}")))
        .collect()
}

/// A list as many county sites lay it out: `<li>` with the title, then the date.
fn list_page(items: &[(&str, &str, &str)], pager: &str) -> String {
    let rows: String = items
        .iter()
        .map(|(title, date, href)| {
            format!(r#"<li><a href="{href}" title="{title}">{title}</a><span class="time">{date}</span></li>"#)
        })
        .collect();
    format!(
        r#"<html><head><meta charset="utf-8"><title>通知公告</title></head><body>
        <div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a></div>
        <div class="side"><ul><li><a href="/zt/1.html">专题：优化营商环境</a></li></ul></div>
        <ul class="list">{rows}</ul><div class="page">{pager}</div></body></html>"#
    )
}

/// A TRS WCM table with its pager script, encoded in GBK as older sites serve it.
fn gbk_table_page(items: &[(&str, &str, &str)], pages: u32) -> Page {
    let rows: String = items
        .iter()
        .map(|(title, date, href)| {
            format!(r#"<tr><td class="icon"></td><td><a href="{href}">{title}</a></td><td>{date}</td></tr>"#)
        })
        .collect();
    let text = format!(
        r#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>
        <table class="gl_list">{rows}</table>
        <script>var currentPage = 0;//所在页从0开始
        var countPage = {pages}//共多少页
        createPageHTML(countPage, currentPage, "index", "html");</script></body></html>"#
    );
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    Page { status: 200, content_type: "text/html", body: bytes.into_owned(), delay: Duration::ZERO }
}

struct World {
    store: Store,
    site: Site,
    elsewhere: Site,
    /// Item ids by the column path they read.
    items: HashMap<&'static str, gongkai_store::ItemId>,
}

/// Columns and what is planted on each, as of 2024-06-28.
const COLUMNS: [(&str, &str, &str, &str); 7] = [
    // (path, unit, 事项, 公开时限)
    ("/tzgg/", TOWN, "通知公告", "信息形成之日起20个工作日内"),
    ("/zcjd/", TOWN, "政策解读", "文件印发之日起3个工作日内"),
    ("/gone/", TOWN, "财政预决算", "每年更新"),
    ("/zwyw/", BUREAU, "政务要闻", "每月更新"),
    ("/private/list.html", BUREAU, "内部资料", "每月更新"),
    ("/slow/", BUREAU, "社会救助", "每季度更新"),
    ("/empty/", BUREAU, "养老服务", "信息形成之日起20个工作日内"),
];

async fn world(url: &str) -> World {
    let store = Store::connect(url, &SecretKey::from_bytes([9; 32])).await.unwrap();
    store.save_units(&gongkai_io::units_csv::conghua(), false, "测试").await.unwrap();
    let site = Site::default();
    let elsewhere = Site::default();
    let base = site.serve().await;
    let off = elsewhere.serve().await;

    site.put("/robots.txt", Page { content_type: "text/plain", ..html("User-agent: *\nDisallow: /private/\n".into()) });
    // 通知公告: two pages joined by 下一页; one item links off the site, and so does a stray pager link.
    site.put(
        "/tzgg/",
        html(list_page(
            &[
                ("关于调整城乡低保标准的通知", "2024-06-20", "/tzgg/202406/t20240620_1.html"),
                ("温泉镇2024年第二季度工作动态", "2024-06-03", "/tzgg/202406/t20240603_2.html"),
                ("转载：广州市政务服务事项清单", "2024-05-30", &format!("{off}/news/1.html")),
            ],
            &format!(r#"<a href="list_2.html">下一页</a> <a href="{off}/tzgg/list_9.html">9</a> <a href="{off}/x.html">10</a>"#),
        )),
    );
    site.put(
        "/tzgg/list_2.html",
        html(list_page(
            &[
                ("温泉镇2024年第一季度政务公开工作情况", "2024-04-10", "/tzgg/202404/t20240410_3.html"),
                ("温泉镇2023年政府信息公开工作年度报告", "2024-01-20", "/tzgg/202401/t20240120_4.html"),
            ],
            "",
        )),
    );
    for path in ["/tzgg/202406/t20240620_1.html", "/tzgg/202406/t20240603_2.html", "/tzgg/202404/t20240410_3.html"] {
        site.put(path, html("<p>正文</p>".into()));
    }
    // 政策解读: a GBK TRS table with a scripted pager; its newest document is gone (404).
    site.put(
        "/zcjd/",
        gbk_table_page(
            &[
                ("《温泉镇农村人居环境整治方案》政策解读", "2024-06-18", "./202406/t20240618_1.html"),
                ("图解：温泉镇2024年民生实事", "2024-06-10", "./202406/t20240610_2.html"),
                ("《温泉镇防汛应急预案》解读", "2024-06-05", "./202406/t20240605_3.html"),
            ],
            2,
        ),
    );
    site.put("/zcjd/202406/t20240610_2.html", html("<p>正文</p>".into()));
    site.put("/zcjd/202406/t20240605_3.html", html("<p>正文</p>".into()));
    site.put(
        "/zcjd/index_1.html",
        gbk_table_page(&[("2023年政策解读汇编", "2023-12-28", "./202312/t20231228_9.html")], 2),
    );
    // 政务要闻: the page as 宜春 served it in October 2017 — long unchanged.
    site.put("/zwyw/", Page { body: fixture("yichun-zwyw"), ..html(String::new()) });
    for item in fixture_items("yichun-zwyw", "/zwyw/") {
        site.put(&item, html("<p>正文</p>".into()));
    }
    site.put("/private/list.html", html(list_page(&[("内部资料目录", "2024-06-01", "/private/1.html")], "")));
    // 社会救助: slow to answer, but kept up.
    site.put(
        "/slow/",
        Page {
            delay: Duration::from_millis(1500),
            ..html(list_page(&[("2024年第二季度社会救助资金发放情况", "2024-06-25", "/slow/1.html")], ""))
        },
    );
    site.put("/slow/1.html", html("<p>正文</p>".into()));
    site.put("/empty/", html("<html><body><p>本栏目暂无信息</p></body></html>".into()));

    // Each unit's catalogue, published, each item naming its column.
    let mut items = HashMap::new();
    for unit in [TOWN, BUREAU] {
        let drafts: Vec<ItemDraft> = COLUMNS
            .iter()
            .filter(|c| c.1 == unit)
            .map(|(path, _, name, rule)| ItemDraft {
                level1: Some(name.to_string()),
                content: format!("{name}相关信息"),
                timelimit: rule.to_string(),
                url: Some(format!("{base}{path}")),
                ..Default::default()
            })
            .collect();
        let id = store.save_catalogue(unit, "综合", 0, "标准目录", "", &drafts, None, "测试").await.unwrap();
        for act in [CatalogueAct::Submit, CatalogueAct::Accept, CatalogueAct::Approve, CatalogueAct::Publish] {
            let seen = store.catalogue(id).await.unwrap().revision;
            store.catalogue_act(id, act, seen, "", Some("从府函〔2024〕1号"), None, "测试").await.unwrap();
        }
        for item in store.catalogue_items(id).await.unwrap() {
            let path = COLUMNS.iter().find(|c| Some(c.2) == item.level1.as_deref()).unwrap().0;
            items.insert(path, item.id);
        }
    }
    // What 温泉镇 entered as published under 通知公告: one on time (on page 2),
    // one listed weeks after its 20 working days, one not on the column at all.
    let record = |title: &str, url: &str, published: &str, event: &str| NewRecordRow {
        item: items["/tzgg/"],
        title: title.into(),
        url: url.into(),
        published_on: day(published),
        event_on: Some(day(event)),
    };
    store
        .add_published_records(
            &[
                record(
                    "温泉镇2024年第一季度政务公开工作情况",
                    &format!("{base}/tzgg/202404/t20240410_3.html"),
                    "2024-04-10",
                    "2024-04-08",
                ),
                record(
                    "关于调整城乡低保标准的通知",
                    &format!("{base}/tzgg/202406/t20240620_1.html"),
                    "2024-05-20",
                    "2024-04-01",
                ),
                record("温泉镇低保资金发放情况公示", "", "2024-06-10", "2024-06-05"),
            ],
            None,
            "测试",
        )
        .await
        .unwrap();
    World { store, site, elsewhere, items }
}

/// The test's sites are on loopback, which only an intranet setting reaches.
fn fetcher() -> Fetcher {
    Fetcher::new(Politeness {
        interval: Duration::from_millis(20),
        timeout: Duration::from_secs(5),
        retries: 1,
        private_addresses: true,
        ..Politeness::default()
    })
    .unwrap()
}

/// (column path, kind) of every open finding.
async fn found(w: &World) -> Vec<(&'static str, String)> {
    let mut found: Vec<(&'static str, String)> = w
        .store
        .findings(&FindingFilter { open: true, ..Default::default() })
        .await
        .unwrap()
        .into_iter()
        .map(|f| (*w.items.iter().find(|(_, id)| **id == f.item_id).unwrap().0, f.kind))
        .collect();
    found.sort();
    found
}

async fn story(url: &str) {
    let w = world(url).await;
    let as_of = day("2024-06-28");
    let channels = gongkai_app::channels::Channels::new(None).unwrap();
    // The reminders run from this day on.
    gongkai_app::remind::pass(&w.store, as_of, &channels, "测试").await.unwrap();
    let (judged, open) = inspection::inspect(&w.store, &fetcher(), as_of, None, 5, "测试").await.unwrap();
    let planted = [
        ("/empty/", "missing"),
        ("/gone/", "missing"),
        ("/tzgg/", "late"),
        ("/tzgg/", "unlisted"),
        ("/zcjd/", "broken"),
        ("/zwyw/", "stale"),
    ];
    assert_eq!(found(&w).await, planted.map(|(p, k)| (p, k.to_string())), "every planted problem, nothing else");
    assert_eq!((judged.new, open.len()), (6, 6));
    let by_kind = |kind: &str| open.iter().find(|f| f.kind == kind).unwrap().clone();
    assert!(by_kind("late").evidence.contains("2024-06-20"), "the page's date: {}", by_kind("late").evidence);
    assert!(by_kind("stale").evidence.contains("2017-10-14"), "{}", by_kind("stale").evidence);
    assert!(by_kind("broken").url.ends_with("/zcjd/202406/t20240618_1.html"), "the GBK page's links read");
    assert!(open.iter().all(|f| f.due_date == day("2024-07-05")), "5 working days to fix");

    // robots.txt obeyed, nothing off the site, every column once.
    assert_eq!(w.site.hits("/private/list.html"), 0, "robots.txt forbids it");
    assert_eq!(w.site.hits("/robots.txt"), 1, "read once for the site");
    assert!(w.elsewhere.hits.lock().unwrap().is_empty(), "no request off the site");
    for path in ["/tzgg/", "/tzgg/list_2.html", "/zcjd/", "/zwyw/", "/slow/", "/gone/"] {
        assert_eq!(w.site.hits(path), 1, "{path} read once");
    }
    let run = w.store.inspection_run(judged.run).await.unwrap();
    assert_eq!((run.columns, run.status.as_str()), (7, "done"));
    let fetches = w.store.run_fetches(judged.run).await.unwrap();
    let private = fetches.iter().find(|f| f.url.ends_with("/private/list.html")).unwrap();
    assert!(private.error.as_deref().unwrap().contains("网站声明不允许自动巡查"), "{private:?}");
    let slow = fetches.iter().find(|f| f.url.ends_with("/slow/")).unwrap();
    assert!(slow.millis >= 1500 && slow.items == 1, "the slow page waited for: {slow:?}");

    // The 整改 is work: chased the day after its due date like any other.
    gongkai_app::remind::pass(&w.store, day("2024-07-08"), &channels, "测试").await.unwrap();
    let inbox = w.store.inbox(TOWN, 20).await.unwrap();
    assert!(
        inbox
            .iter()
            .any(|m| m.subject_kind == "finding" && m.message.contains("催办") && m.message.contains("政策解读")),
        "{inbox:?}"
    );
    // The town says what it did; the office sets one finding aside.
    let broken = by_kind("broken");
    w.store.answer_finding(broken.id, "已恢复该解读页面", None, "温泉镇").await.unwrap();
    let empty = open.iter().find(|f| f.url.ends_with("/empty/")).unwrap();
    w.store.dismiss_finding(empty.id, "该栏目已按要求撤并", None, "区政务公开办").await.unwrap();
    assert!(w.store.dismiss_finding(empty.id, "再点一次", None, "区政务公开办").await.is_err(), "once");

    // Fixed on the site: the page is back, 政务要闻 has news. The next run confirms both.
    w.site.put("/zcjd/202406/t20240618_1.html", html("<p>正文</p>".into()));
    w.site.put(
        "/zwyw/",
        html(list_page(&[("区民政局召开2024年年中工作会议", "2024-07-10", "/zwyw/202407/t20240710_1.html")], "")),
    );
    w.site.put("/zwyw/202407/t20240710_1.html", html("<p>正文</p>".into()));
    let (again, _) = inspection::inspect(&w.store, &fetcher(), day("2024-07-15"), None, 5, "测试").await.unwrap();
    assert_eq!((again.new, again.fixed), (0, 2), "{again:?}");
    let fixed = w.store.findings_fixed_in(again.run).await.unwrap();
    let mut fixed: Vec<&str> = fixed.iter().map(|f| f.kind.as_str()).collect();
    fixed.sort();
    assert_eq!(fixed, ["broken", "stale"]);
    let still: Vec<String> = found(&w).await.into_iter().map(|(p, k)| format!("{p}{k}")).collect();
    assert_eq!(still, ["/gone/missing", "/tzgg/late", "/tzgg/unlisted"]);

    // Scheduled: a run every 30 days, started by whichever server finds it due.
    let start = |today: &str| gongkai_app::inspection::start_if_due(&w.store, 30, day(today), "巡查任务");
    assert!(start("2024-08-01").await.unwrap().is_none(), "17 days after the last run");
    assert!(gongkai_app::inspection::start_if_due(&w.store, 0, day("2024-12-01"), "巡查任务").await.unwrap().is_none());
    let scheduled = start("2024-08-14").await.unwrap().expect("30 days after the last run");
    assert!(start("2024-08-14").await.unwrap().is_none(), "once");
    let inspector =
        gongkai_app::inspection::Inspector { politeness: fetcher().politeness().clone(), fix_working_days: 5 };
    gongkai_app::inspection::carry_out(&w.store, &inspector, day("2024-08-14"), "甲", "巡查任务").await.unwrap();
    let run = w.store.inspection_run(scheduled).await.unwrap();
    assert_eq!((run.status.as_str(), run.unit), ("done", None), "every unit, read and judged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_website_with_planted_problems_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(&scratch::sqlite_url(dir.path())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_website_with_planted_problems_on_postgres() {
    let Some(server) = scratch::postgres_server() else { return };
    story(&scratch::postgres_url(&server).await.unwrap()).await;
}

/// Two servers on one PostgreSQL database share a run: each column is read
/// by one of them, once, and the run is judged once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_one_run_without_reading_a_column_twice() {
    let Some(server) = scratch::postgres_server() else { return };
    let url = scratch::postgres_url(&server).await.unwrap();
    let w = world(&url).await;
    // More sites: eight more columns for 温泉镇, each on a site of its own.
    let mut extra = Vec::new();
    for n in 0..8 {
        let other = Site::default();
        let base = other.serve().await;
        other.put("/list/", html(list_page(&[("温泉镇工作动态", "2024-06-20", "/list/1.html")], "")));
        other.put("/list/1.html", html("<p>正文</p>".into()));
        extra.push(ItemDraft {
            level1: Some(format!("工作动态{n}")),
            content: "工作动态".into(),
            timelimit: "每月更新".into(),
            url: Some(format!("{base}/list/")),
            ..Default::default()
        });
    }
    let town = w.store.catalogues(&Default::default()).await.unwrap().into_iter().find(|c| c.unit == TOWN).unwrap();
    let seen = w.store.catalogue_act(town.id, CatalogueAct::Revise, town.revision, "", None, None, "测试").await;
    seen.unwrap();
    let mut items: Vec<ItemDraft> = w.store.catalogue_items(town.id).await.unwrap().iter().map(|i| i.draft()).collect();
    items.extend(extra);
    let revision = w.store.catalogue(town.id).await.unwrap().revision;
    w.store.save_catalogue(TOWN, "综合", revision, "标准目录", "", &items, None, "测试").await.unwrap();
    for act in [CatalogueAct::Submit, CatalogueAct::Accept, CatalogueAct::Approve, CatalogueAct::Publish] {
        let seen = w.store.catalogue(town.id).await.unwrap().revision;
        w.store.catalogue_act(town.id, act, seen, "", Some("从府函〔2024〕2号"), None, "测试").await.unwrap();
    }

    let as_of = day("2024-06-28");
    let run = inspection::start(&w.store, as_of, None, "测试").await.unwrap();
    let second = Store::connect(&url, &SecretKey::from_bytes([9; 32])).await.unwrap();
    // Two sites at a time each: neither server can claim every site before the other starts.
    let two_at_once = || {
        Fetcher::new(Politeness {
            interval: Duration::from_millis(20),
            timeout: Duration::from_secs(5),
            retries: 1,
            sites_at_once: 2,
            private_addresses: true,
            ..Politeness::default()
        })
        .unwrap()
    };
    let (one, two) = (two_at_once(), two_at_once());
    let (a, b) =
        tokio::join!(inspection::work(&w.store, &one, "甲", as_of), inspection::work(&second, &two, "乙", as_of));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a + b, 15, "every column read once between them ({a} + {b})");
    assert!(a > 0 && b > 0, "both servers worked ({a} + {b})");
    let fetches = w.store.run_fetches(run).await.unwrap();
    assert!(fetches.iter().all(|f| f.status == "done"));
    for path in ["/tzgg/", "/zcjd/", "/zwyw/", "/slow/", "/gone/"] {
        assert_eq!(w.site.hits(path), 1, "{path} read once");
    }
    let (one, two) = tokio::join!(inspection::judge(&w.store, 5, "甲"), inspection::judge(&second, 5, "乙"));
    let judged: Vec<_> = [one.unwrap(), two.unwrap()].into_iter().flatten().collect();
    assert_eq!(judged.len(), 1, "judged once");
    assert_eq!(judged[0].new, 6);
}

/// A column address typed by a unit cannot make the server read its own
/// machine or a private network: refused before any request, by address
/// and by what a name resolves to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_intranet_is_not_read() {
    let site = Site::default();
    site.put("/admin/", html(list_page(&[("内部管理页面的一条信息", "2024-06-01", "/admin/1.html")], "")));
    let base = site.serve().await;
    let fetcher = Fetcher::new(Politeness { interval: Duration::ZERO, ..Politeness::default() }).unwrap();
    for address in [format!("{base}/admin/"), format!("{}/admin/", base.replace("127.0.0.1", "localhost"))] {
        let read = fetcher.column(&url::Url::parse(&address).unwrap(), None, day("2024-06-28")).await;
        assert_eq!(read.failure().as_deref(), Some("栏目地址指向本机或内部网络，出于安全未访问"), "{address}");
    }
    assert!(site.hits.lock().unwrap().is_empty(), "nothing asked");
    for (ip, public) in [
        ("10.1.2.3", false),
        ("172.16.0.1", false),
        ("192.168.1.1", false),
        ("169.254.169.254", false),
        ("100.64.0.1", false),
        ("::1", false),
        ("fd00::1", false),
        ("::ffff:127.0.0.1", false),
        ("202.96.128.86", true),
        ("2400:3200::1", true),
    ] {
        assert_eq!(gongkai_app::inspection::is_public(ip.parse().unwrap()), public, "{ip}");
    }
}
