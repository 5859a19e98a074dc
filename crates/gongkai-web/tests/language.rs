//! Every word a person reads is Chinese: every page the router serves, for
//! every role (and the public pages for anyone), and the downloads, after a
//! little real work (a report returned, a 督办 issued, a reminder pass), are
//! read as a person sees them — text, placeholders, titles — and any Latin
//! word outside a short allow-list (file types, addresses, numbers) fails.

#[macro_use]
mod common;

use common::{App, PASSWORD, TOWN, csrf_in, sign_in};
use std::collections::BTreeSet;
use std::io::Read;

/// Words a Chinese clerk reads as they are: file types, sizes, and the
/// test's own accounts, whose names are their logins (a real account's
/// 姓名 is whatever the administrator wrote).
const ALLOWED: [&str; 15] = [
    "PDF", "Excel", "Word", "OFD", "ZIP", "ICS", "URL", "MB", "office", "town", "townhead", "civil", "viewer", "admin",
    "fresh",
];

/// The visible text of a page: text between tags, and the placeholders,
/// titles and labels people read; scripts and styles left out.
fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        out.push(' ');
        let Some(end) = rest[start..].find('>') else { break };
        let tag = &rest[start + 1..start + end];
        for attribute in ["placeholder=\"", "title=\"", "aria-label=\""] {
            if let Some(at) = tag.find(attribute) {
                let value = &tag[at + attribute.len()..];
                out.push(' ');
                out.push_str(&value[..value.find('"').unwrap_or(value.len())]);
                out.push(' ');
            }
        }
        rest = &rest[start + end + 1..];
        // Scripts, styles and code (a header to send, a rule's text in the
        // advanced view) are not prose.
        let code = tag.starts_with("textarea") && tag.contains("class=\"code\"");
        for (open, close) in [("script", "</script>"), ("style", "</style>"), ("code", "</code>")] {
            if tag.starts_with(open) || (code && open == "code") {
                let close = if code { "</textarea>" } else { close };
                rest = rest.find(close).map_or("", |at| &rest[at + close.len()..]);
            }
        }
    }
    out.push_str(rest);
    out.replace("&#x2f;", "/").replace("&amp;", "&").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
}

/// Latin words of two letters or more that are not addresses, paths, file
/// names or allowed.
fn foreign_words(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for token in text.split(|c: char| c.is_whitespace() || "，。；：、（）()“”\"'<>[]【】,;".contains(c)) {
        let token = token.trim_matches(|c: char| c == '.' || c == ':' || c == '·');
        let looks_like_address = token.contains("://")
            || token.starts_with('/')
            || token.contains('@')
            || token.starts_with("www.")
            || (token.starts_with('.') && token[1..].chars().all(|c| c.is_ascii_alphanumeric()))
            || token.rsplit_once('.').is_some_and(|(stem, ext)| {
                !stem.is_empty()
                    && matches!(
                        ext,
                        "pdf" | "docx" | "xlsx" | "txt" | "ics" | "zip" | "ofd" | "jpg" | "png" | "csv" | "cn"
                    )
            });
        if looks_like_address {
            continue;
        }
        let mut word = String::new();
        for c in token.chars().chain([' ']) {
            if c.is_ascii_alphabetic() {
                word.push(c);
            } else {
                if word.len() >= 2 && !ALLOWED.contains(&word.as_str()) {
                    found.insert(word.clone());
                }
                word.clear();
            }
        }
    }
    found
}

/// The text of a .docx or .xlsx: its XML's text nodes.
fn office_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    for name in ["word/document.xml", "xl/sharedStrings.xml"] {
        if let Ok(mut part) = archive.by_name(name) {
            let mut xml = String::new();
            part.read_to_string(&mut xml).unwrap();
            text.push_str(&visible(&xml));
        }
    }
    text
}

/// 区民政局's real catalogue, published, with a record late under its first item.
async fn published_catalogue(app: &App) -> i64 {
    use gongkai_domain::catalogue::CatalogueAct;
    let path =
        format!("{}/../gongkai-io/tests/catalogues/gaizhou-shehuijiuzhu/catalogue.xlsx", env!("CARGO_MANIFEST_DIR"));
    let read = gongkai_io::catalogue::read_catalogue("目录.xlsx", &std::fs::read(path).unwrap()).unwrap();
    let civil = common::CIVIL;
    let id = app.store.save_catalogue(civil, "社会救助", 0, "", "测试", &read.items, None, "测试").await.unwrap();
    for act in [CatalogueAct::Submit, CatalogueAct::Accept, CatalogueAct::Approve, CatalogueAct::Publish] {
        let seen = app.store.catalogue(id).await.unwrap().revision;
        app.store.catalogue_act(id, act, seen, "", Some("从府办函〔2020〕35号"), None, "测试").await.unwrap();
    }
    let item = app.store.catalogue_items(id).await.unwrap()[0].id;
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let record = gongkai_store::NewRecordRow {
        item,
        title: "社会救助政策文件".into(),
        url: String::new(),
        published_on: day("2020-10-22"),
        event_on: Some(day("2020-09-28")),
    };
    app.store.add_published_records(&[record], None, "测试").await.unwrap();
    id.0
}

/// A 网上巡查 of the catalogue's first item, whose column is gone (404):
/// the run and its finding.
/// A request to 温泉镇, answered, with a letter kept: (its id, its number, the letter's id).
async fn a_request(app: &App) -> (i64, String, i64) {
    let mut state = gongkai_app::App::new(app.store.clone());
    state.files_dir = app.dir.path().join("files");
    let office = app.store.user_by_login("office").await.unwrap().unwrap();
    let input = gongkai_app::foi::RequestInput {
        unit: TOWN.into(),
        applicant_kind: "自然人".into(),
        applicant: "王五".into(),
        channel: "当面".into(),
        text: "申请公开温泉镇2020年村级财务公开情况".into(),
        events: vec![
            gongkai_app::foi::EventInput { kind: "submitted".into(), date: "2020-11-02".into(), ..Default::default() },
            gongkai_app::foi::EventInput { kind: "extended".into(), date: "2020-11-20".into(), ..Default::default() },
            gongkai_app::foi::EventInput {
                kind: "answered".into(),
                date: "2020-11-24".into(),
                outcome: Some("（一）予以公开".into()),
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let id = gongkai_app::foi::add(&state, &office, &[input]).await.unwrap()[0];
    let letter = gongkai_app::foi::letters::make(&state, &office, id, 1, "granted", false).await.unwrap();
    (id.0, app.store.request(id).await.unwrap().number, letter)
}

async fn an_inspection(app: &App, catalogue: i64) -> (i64, i64) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, axum::Router::new()).await.unwrap() });
    let item = app.store.catalogue_items(gongkai_store::CatalogueId(catalogue)).await.unwrap()[0].id;
    app.store.set_item_url(item, Some(&format!("{site}/shjz/")), "测试").await.unwrap();
    let fetcher = gongkai_app::inspection::Fetcher::new(gongkai_app::inspection::Politeness {
        interval: std::time::Duration::ZERO,
        private_addresses: true,
        ..Default::default()
    })
    .unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2020, 11, 25).unwrap();
    let (judged, open) = gongkai_app::inspection::inspect(&app.store, &fetcher, day, None, 5, "测试").await.unwrap();
    assert_eq!(open.len(), 1, "the gone column");
    (judged.run.0, open[0].id.0)
}

/// A returned report, an issued 督办, an extension asked, a reminder pass.
async fn some_work(app: &App) {
    let channels = gongkai_app::channels::Channels::new(None).unwrap();
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    gongkai_app::remind::pass(&app.store, day("2020-09-01"), &channels, "测试").await.unwrap();
    gongkai_app::remind::pass(&app.store, day("2020-11-25"), &channels, "测试").await.unwrap();
    let own = app
        .store
        .obligations(&gongkai_store::ObligationFilter { unit: Some(TOWN.into()), ..Default::default() })
        .await
        .unwrap();
    let report = own.iter().find(|o| o.due == Some(day("2020-11-30"))).unwrap().id;
    let (town, _) = sign_in(app, "town", PASSWORD).await;
    let page = town.get(app.url(&format!("/obligations/{report}"))).send().await.unwrap().text().await.unwrap();
    let form = reqwest::multipart::Form::new().text("csrf", csrf_in(&page)).text("text", "已完成督导。");
    town.post(app.url(&format!("/obligations/{report}/submit"))).multipart(form).send().await.unwrap();
    let (civil, _) = sign_in(app, "civil", PASSWORD).await;
    let page = civil.get(app.url(&format!("/obligations/{report}"))).send().await.unwrap().text().await.unwrap();
    let form = [("csrf", csrf_in(&page)), ("decision", "return".into()), ("reason", "缺少照片".into())];
    civil.post(app.url(&format!("/obligations/{report}/review"))).form(&form).send().await.unwrap();
    let late = own.iter().find(|o| o.due.is_some_and(|d| d < day("2020-11-18"))).unwrap().id;
    let drafts = app.store.notice_drafts(None).await.unwrap();
    let draft = drafts.iter().find(|d| d.obligation_id == late).or(drafts.first()).unwrap();
    let (office, _) = sign_in(app, "office", PASSWORD).await;
    let page = office.get(app.url("/notices")).send().await.unwrap().text().await.unwrap();
    let form = [("csrf", csrf_in(&page)), ("new_due", "2020-12-10".into()), ("note", "请抓紧办理".into())];
    office.post(app.url(&format!("/notices/drafts/{}/issue", draft.id))).form(&form).send().await.unwrap();
    let form = [("csrf", csrf_in(&page)), ("due", "2020-12-31".into()), ("reason", "材料需上级审定".into())];
    town.post(app.url(&format!("/obligations/{late}/extension"))).form(&form).send().await.unwrap();
}

async fn every_page_in_chinese(app: App) {
    some_work(&app).await;
    let own = app
        .store
        .obligations(&gongkai_store::ObligationFilter { unit: Some(TOWN.into()), ..Default::default() })
        .await
        .unwrap();
    let obligation = own[0].id.to_string();
    let task = own[0].task_id.to_string();
    let notice = app.store.notices(None, None).await.unwrap().first().map(|n| n.id).unwrap_or(1).to_string();
    let draft = app.store.notice_drafts(None).await.unwrap().first().map(|d| d.id).unwrap_or(1).to_string();
    let catalogue = published_catalogue(&app).await;
    let (run, finding) = an_inspection(&app, catalogue).await;
    let (request, number, letter) = a_request(&app).await;
    let mut pages = common::every_page(&obligation, &task, &notice, &draft);
    assert!(pages.len() >= 15, "{pages:?}");
    pages.extend([
        format!("/requests/{request}"),
        format!("/requests/{request}/documents/{letter}"),
        "/requests?show=open".to_string(),
        "/foi-report?year=2020&unit=温泉镇".to_string(),
        "/foi-report/export?year=2020&unit=温泉镇&format=docx".to_string(),
        "/foi-report/export?year=2020&unit=温泉镇&format=xlsx".to_string(),
        format!("/public/apply/status?number={number}"),
        format!("/catalogues/{catalogue}"),
        format!("/public/catalogues/{catalogue}"),
        format!("/catalogues/{catalogue}/records.xlsx"),
        "/exports/catalogues?format=xlsx".to_string(),
        "/exports/catalogues?format=docx".to_string(),
        "/catalogues?status=published".to_string(),
        format!("/inspections/{run}"),
        format!("/inspections/{run}/report?format=docx"),
        format!("/findings/{finding}"),
        "/findings?show=all".to_string(),
    ]);
    let extra = [
        "/my?light=red",
        "/my?sort=unit&desc=1",
        "/exports/self-inspection?format=docx&unit=温泉镇",
        "/self-inspection?unit=温泉镇&year=2020",
        "/exports/bulletin?format=docx",
        "/exports/ledger.xlsx",
        "/obligations/abc",
        "/no-such-page",
    ];
    let mut failures = Vec::new();
    for login in ["office", "town", "townhead", "civil", "viewer", "admin", ""] {
        let client = if login.is_empty() { common::browser() } else { sign_in(&app, login, PASSWORD).await.0 };
        for path in pages.iter().map(String::as_str).chain(extra) {
            if login.is_empty() && !path.starts_with("/public") && path != "/login" {
                continue;
            }
            let response = client.get(app.url(path)).send().await.unwrap();
            let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            let bytes = response.bytes().await.unwrap();
            let text = if kind.starts_with("text/html") {
                visible(&String::from_utf8_lossy(&bytes))
            } else if kind.contains("openxmlformats") {
                office_text(&bytes)
            } else {
                continue;
            };
            for word in foreign_words(&text) {
                failures.push(format!("{login} {path}: {word}"));
            }
        }
    }
    assert!(failures.is_empty(), "Latin words on screen:\n{}", failures.join("\n"));
}

#[test]
fn the_reader_finds_latin_words_and_lets_addresses_pass() {
    let words = foreign_words(&visible(
        "<p title=\"due soon\">报送 PDF 文件 督导.pdf，见 https://www.conghua.gov.cn/a.html 或 /my?x=1</p><script>var x;</script>",
    ));
    assert_eq!(words.into_iter().collect::<Vec<_>>(), ["due", "soon"]);
}

on_both_backends! {
    every_page_in_chinese => every_page_in_chinese_on_sqlite, every_page_in_chinese_on_postgres;
}
