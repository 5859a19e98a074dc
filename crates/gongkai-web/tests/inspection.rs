//! 网上巡查 through the pages and the API, on both databases: the office
//! starts a run over 温泉镇's published catalogue (its columns on a site
//! served by the test: one kept up, one gone), reads the run and its 巡查通报
//! (Word and PDF, read back); 温泉镇 sees only its own findings and says
//! what it fixed; 区民政局 sees none of them; only the office sends a 督办
//! (a new deadline, once) and dismisses, and only with a reason.

#[macro_use]
mod common;

use common::{App, PASSWORD, TOWN, csrf_in, sign_in};
use gongkai_domain::catalogue::{CatalogueAct, ItemDraft};
use reqwest::StatusCode;
use serde_json::Value;

/// A site with one column kept up (a list with this month's news) and nothing else.
async fn website() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("http://{}", listener.local_addr().unwrap());
    let list = r#"<html><meta charset="utf-8"><body><ul class="list">
        <li><a href="/tzgg/1.html">温泉镇关于做好秋季防火工作的通知</a><span>2020-11-20</span></li>
        <li><a href="/tzgg/2.html">温泉镇2020年第三季度政务公开工作情况</a><span>2020-10-09</span></li></ul></body></html>"#;
    let app = axum::Router::new()
        .route("/tzgg/", axum::routing::get(move || async move { axum::response::Html(list) }))
        .route("/tzgg/{page}", axum::routing::get(|| async { axum::response::Html("<p>正文</p>") }));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    site
}

async fn catalogue(app: &App, site: &str) {
    let items: Vec<ItemDraft> =
        [("通知公告", "tzgg/", "信息形成之日起20个工作日内"), ("财政预决算", "czyjs/", "每年更新")]
            .iter()
            .map(|(name, path, rule)| ItemDraft {
                level1: Some(name.to_string()),
                content: format!("{name}相关信息"),
                timelimit: rule.to_string(),
                url: Some(format!("{site}/{path}")),
                ..Default::default()
            })
            .collect();
    let id = app.store.save_catalogue(TOWN, "综合", 0, "标准目录", "", &items, None, "测试").await.unwrap();
    for act in [CatalogueAct::Submit, CatalogueAct::Accept, CatalogueAct::Approve, CatalogueAct::Publish] {
        let seen = app.store.catalogue(id).await.unwrap().revision;
        app.store.catalogue_act(id, act, seen, "", Some("从府函〔2020〕9号"), None, "测试").await.unwrap();
    }
}

async fn story(app: App) {
    let site = website().await;
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    // Nothing published with an address yet: the office is told so, nothing starts.
    let page = office.get(app.url("/inspections")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let refused = office.post(app.url("/inspections")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("还没有已公布、填写了栏目地址的标准目录事项"));

    catalogue(&app, &site).await;
    let (town, _) = sign_in(&app, "town", PASSWORD).await;
    let forbidden = town.get(app.url("/inspections")).send().await.unwrap();
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN, "only the office runs inspections");

    let form = [("csrf", csrf.as_str()), ("unit", "温泉镇"), ("as_of", "2020-11-25")];
    let started = office.post(app.url("/inspections")).form(&form).send().await.unwrap();
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    let at = started.headers()["location"].to_str().unwrap().to_string();
    // The run reads in the background; the API shows when it is done.
    let mut runs = Value::Null;
    for _ in 0..100 {
        runs = office
            .get(app.url("/api/v1/inspections"))
            .bearer_auth(app.token("office"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if runs["runs"][0]["status"] == "done" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(runs["runs"][0]["status"], "done", "{runs}");
    assert_eq!((runs["runs"][0]["columns"].as_i64(), runs["runs"][0]["found"].as_i64()), (Some(2), Some(1)));
    let run = office.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    assert!(run.contains("栏目缺失") && run.contains("页面不存在（状态码 404）"), "{run}");
    assert!(run.contains("已读取 1 页，2 条信息"), "the kept-up column read: {run}");
    assert!(run.contains("通知公告") && run.contains("2020-11-20"), "信息更新情况 names each column's items: {run}");

    // The 巡查通报, Word and PDF.
    let docx = office.get(app.url(&format!("{at}/report?format=docx"))).send().await.unwrap();
    assert_eq!(docx.status(), StatusCode::OK);
    assert!(docx.headers()["content-disposition"].to_str().unwrap().contains("filename"));
    let pdf = office.get(app.url(&format!("{at}/report?format=pdf"))).send().await.unwrap().bytes().await.unwrap();
    if let Some(text) = pdf_text(&app, &pdf) {
        for words in [
            "网上巡查情况的通报",
            "一、巡查基本情况",
            "二、发现的问题",
            "三、信息更新情况",
            "四、整改要求",
            "财政预决算",
        ] {
            assert!(text.contains(words), "{words} in the PDF: {text}");
        }
    }

    // 温泉镇 sees its finding; 区民政局 does not.
    let findings: Value = town
        .get(app.url("/api/v1/findings"))
        .bearer_auth(app.token("town"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let finding = findings["findings"][0]["id"].as_i64().unwrap();
    assert_eq!(findings["findings"].as_array().unwrap().len(), 1);
    assert_eq!(findings["findings"][0]["kind"], "missing");
    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;
    let other = civil.get(app.url(&format!("/findings/{finding}"))).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND, "another unit's finding is not there");
    let theirs: Value = civil
        .get(app.url("/api/v1/findings"))
        .bearer_auth(app.token("civil"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(theirs["findings"].as_array().unwrap().is_empty());

    let badges: Value = town.get(app.url("/badges")).send().await.unwrap().json().await.unwrap();
    assert_eq!(badges["findings"], 1, "the menu counts the town's problem to fix");

    // 督办 is the office's: a new deadline and a message to the town, once.
    let page = office.get(app.url(&format!("/findings/{finding}"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let new_due = (gongkai_domain::calendar::china_today() + chrono::Duration::days(10)).to_string();
    let seen = findings["findings"][0]["due"].as_str().unwrap().to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("seen_due", seen.as_str()),
        ("new_due", new_due.as_str()),
        ("text", "请本周内恢复栏目"),
    ];
    let escalated = office.post(app.url(&format!("/findings/{finding}/escalate"))).form(&form).send().await.unwrap();
    assert_eq!(escalated.status(), StatusCode::SEE_OTHER);
    let twice = office.post(app.url(&format!("/findings/{finding}/escalate"))).form(&form).send().await.unwrap();
    assert_eq!(twice.status(), StatusCode::CONFLICT, "the deadline the office saw has changed");
    let inbox = app.store.inbox(TOWN, 10).await.unwrap();
    assert!(
        inbox
            .iter()
            .any(|m| m.subject_kind == "finding" && m.message.starts_with("【督办】") && m.message.contains(&new_due)),
        "{inbox:?}"
    );
    let by_town = town.post(app.url(&format!("/findings/{finding}/escalate"))).form(&form).send().await.unwrap();
    assert_eq!(by_town.status(), StatusCode::FORBIDDEN);

    // The town answers; an empty answer is refused, the page says why.
    let page = town.get(app.url(&format!("/findings/{finding}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("报告整改情况") && !page.contains("不予整改</button>"), "{page}");
    let csrf = csrf_in(&page);
    let empty = town
        .post(app.url(&format!("/findings/{finding}/answer")))
        .form(&[("csrf", csrf.as_str()), ("text", " ")])
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    assert!(empty.text().await.unwrap().contains("请写明整改情况"));
    let said = "财政预决算栏目已恢复，地址不变";
    let answered = town
        .post(app.url(&format!("/findings/{finding}/answer")))
        .form(&[("csrf", csrf.as_str()), ("text", said)])
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), StatusCode::SEE_OTHER);
    let dismiss = town
        .post(app.url(&format!("/findings/{finding}/dismiss")))
        .form(&[("csrf", csrf.as_str()), ("text", "不想改")])
        .send()
        .await
        .unwrap();
    assert_eq!(dismiss.status(), StatusCode::FORBIDDEN, "only the office dismisses");

    // The office dismisses with a reason; without one the form comes back with the text kept.
    let page = office.get(app.url(&format!("/findings/{finding}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(said) && page.contains("已报整改，待复核"), "{page}");
    let csrf = csrf_in(&page);
    let bare = office
        .post(app.url(&format!("/findings/{finding}/dismiss")))
        .form(&[("csrf", csrf.as_str()), ("text", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::BAD_REQUEST);
    assert!(bare.text().await.unwrap().contains("请写明不予整改的理由"));
    let reason = "该栏目已并入“财政信息”栏目";
    let done = office
        .post(app.url(&format!("/findings/{finding}/dismiss")))
        .form(&[("csrf", csrf.as_str()), ("text", reason)])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let again = office
        .post(app.url(&format!("/findings/{finding}/dismiss")))
        .form(&[("csrf", csrf.as_str()), ("text", reason)])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT, "a second click does nothing");
    for action in ["inspection.start", "inspection.finish", "finding.escalate", "finding.answer", "finding.dismiss"] {
        let filter = gongkai_store::AuditFilter { action: Some(action.into()), limit: 10, ..Default::default() };
        assert_eq!(app.store.audit_count(&filter).await.unwrap(), 1, "{action} in the audit log once");
    }
}

/// The PDF's text as pdftotext reads it; none where it is not installed
/// (scripts/test.sh installs it).
fn pdf_text(app: &App, pdf: &[u8]) -> Option<String> {
    let path = app.dir.path().join("通报.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).split_whitespace().collect())
}

on_both_backends! {
    story => inspection_through_the_pages_on_sqlite, inspection_through_the_pages_on_postgres;
}
