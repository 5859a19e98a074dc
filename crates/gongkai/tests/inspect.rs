//! `gongkai inspect`: a real TRS column page (served on loopback with its
//! second page) read as an array of {title, date, url}; an address that is
//! not one, and a column that is gone, refused with a Chinese message; a
//! run over a published catalogue printing {unit, item, kind, url,
//! evidence} and listed afterwards.

mod common;

use common::{command, gongkai, key};
use gongkai_domain::catalogue::{CatalogueAct, ItemDraft};
use gongkai_store::Store;
use serde_json::Value;

const TOWN: &str = "广州市从化区温泉镇人民政府";

fn fixture(name: &str, file: &str) -> String {
    std::fs::read_to_string(format!("{}/../gongkai-io/tests/columns/{name}/{file}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
}

/// 宜春袁州区's 政务要闻 as served in 2017 at /zwgk/zwdt/zwyw/, a second
/// page, and the documents they list.
async fn site() -> String {
    let first = fixture("yichun-yuanzhou-zwyw", "page.html");
    let second = r#"<table><tr><td><a href="./201709/t20170930_1.html">袁州区召开国庆节前安全生产工作会议</a></td><td>2017-09-30</td></tr>
        <tr><td><a href="./201709/t20170929_2.html">袁州区开展“扫黑除恶”专项宣传活动</a></td><td>2017-09-29</td></tr></table>"#;
    let app = axum::Router::new()
        .route("/zwgk/zwdt/zwyw/", axum::routing::get(move || async move { axum::response::Html(first) }))
        .route("/zwgk/zwdt/zwyw/index_1.html", axum::routing::get(move || async move { axum::response::Html(second) }))
        .route("/zwgk/zwdt/zwyw/{month}/{page}", axum::routing::get(|| async { axum::response::Html("<p>正文</p>") }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// The binary allowed to read the test's loopback sites (an intranet setting).
fn inspector() -> std::process::Command {
    let mut command = command();
    command.env("GONGKAI__INSPECT__PRIVATE_ADDRESSES", "true").env("GONGKAI__INSPECT__INTERVAL_MS", "10");
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_column_read_and_a_run_over_a_published_catalogue() {
    let site = site().await;
    let column = format!("{site}/zwgk/zwdt/zwyw/");
    let output = tokio::task::block_in_place(|| {
        inspector().args(["inspect", "page", &column, "--pages", "2", "--json"]).output().unwrap()
    });
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let items: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let truth: Value = serde_json::from_str(&fixture("yichun-yuanzhou-zwyw", "truth.json")).unwrap();
    let truth = truth["items"].as_array().unwrap();
    assert_eq!(items.len(), truth.len() + 2, "both pages");
    assert_eq!(items[0]["title"], truth[0]["title"]);
    assert_eq!(items[0]["date"], truth[0]["date"]);
    assert!(items[0]["url"].as_str().unwrap().starts_with(&column), "resolved on the column's site");
    assert_eq!(items.last().unwrap()["date"], "2017-09-29");
    assert_eq!(items[0].as_object().unwrap().keys().collect::<Vec<_>>(), ["date", "title", "url"]);

    for (args, says) in [
        (vec!["inspect", "page", "ftp://example.gov.cn/"], "栏目地址“ftp://example.gov.cn/”无效"),
        (vec!["inspect", "page", &format!("{site}/gone/")], "页面不存在（状态码 404）"),
    ] {
        let output = tokio::task::block_in_place(|| inspector().args(&args).output().unwrap());
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains(says), "{}", String::from_utf8_lossy(&output.stderr));
    }

    // By default the server never reads its own machine or a private network.
    let output = tokio::task::block_in_place(|| command().args(["inspect", "page", &column]).output().unwrap());
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("栏目地址指向本机或内部网络，出于安全未访问"));

    // A run over 温泉镇's published catalogue: one column kept up in 2017, one gone.
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let store = Store::connect(&db, &key()).await.unwrap();
    store.save_units(&gongkai_io::units_csv::conghua(), false, "测试").await.unwrap();
    let items: Vec<ItemDraft> = [("政务要闻", column.clone()), ("财政预决算", format!("{site}/czyjs/"))]
        .into_iter()
        .map(|(name, url)| ItemDraft {
            level1: Some(name.into()),
            content: name.into(),
            timelimit: "每年更新".into(),
            url: Some(url),
            ..Default::default()
        })
        .collect();
    let id = store.save_catalogue(TOWN, "综合", 0, "", "", &items, None, "测试").await.unwrap();
    for act in [CatalogueAct::Submit, CatalogueAct::Accept, CatalogueAct::Approve, CatalogueAct::Publish] {
        let seen = store.catalogue(id).await.unwrap().revision;
        store.catalogue_act(id, act, seen, "", Some("从府函〔2017〕1号"), None, "测试").await.unwrap();
    }
    let refused = tokio::task::block_in_place(|| {
        command().args(["--db", &db, "inspect", "run", "--unit", "不存在的单位", "--json"]).output().unwrap()
    });
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("单位目录中没有“不存在的单位”"));

    let output = tokio::task::block_in_place(|| {
        inspector()
            .args(["--db", &db, "inspect", "run", "--unit", "温泉镇", "--now", "2017-10-20", "--json"])
            .output()
            .unwrap()
    });
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    let found: Vec<Value> = serde_json::from_str(&printed).unwrap();
    assert_eq!(found.len(), 1, "{printed}");
    assert_eq!((found[0]["unit"].as_str(), found[0]["item"].as_str()), (Some(TOWN), Some("财政预决算")));
    assert_eq!(found[0]["kind"], "missing");
    assert!(found[0]["url"].as_str().unwrap().ends_with("/czyjs/"));
    assert!(found[0]["evidence"].as_str().unwrap().contains("页面不存在"));
    let listed = tokio::task::block_in_place(|| gongkai(&db, &["inspect", "list"]));
    assert!(listed.contains("2017-10-20") && listed.contains("温泉镇") && listed.contains("已完成"), "{listed}");
}
