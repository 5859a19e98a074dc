//! 标准目录 through the pages, on both databases: 区民政局 imports its
//! county's real catalogue, a broken file is refused where it breaks; it
//! submits (its task-1 report), the office returns it, it submits again, the
//! office accepts, records the 区政府's approval and publishes; the public
//! reads it; a record published late across 国庆 is late by working days;
//! every act is in the audit log.

#[macro_use]
mod common;

use common::{App, CIVIL, PASSWORD, csrf_in, sign_in};
use gongkai_domain::catalogue::ItemDraft;
use gongkai_io::out::{CatalogueSheet, catalogue_xlsx};
use gongkai_store::{AuditFilter, CatalogueFilter, ObligationFilter};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../gongkai-io/tests/catalogues/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn fixture_items(name: &str) -> Vec<ItemDraft> {
    gongkai_io::catalogue::read_catalogue("目录.xlsx", &fixture(name)).unwrap().items
}

async fn upload(client: &reqwest::Client, app: &App, csrf: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = Form::new()
        .text("csrf", csrf.to_string())
        .text("area", "社会救助")
        .part("file", Part::bytes(bytes).file_name(name.to_string()));
    client.post(app.url("/catalogues/import")).multipart(form).send().await.unwrap()
}

async fn act(client: &reqwest::Client, app: &App, id: i64, act: &str, extra: &[(&str, &str)]) -> reqwest::Response {
    let page = client.get(app.url(&format!("/catalogues/{id}"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let revision = app.store.catalogue(gongkai_store::CatalogueId(id)).await.unwrap().revision.to_string();
    let mut form = vec![("csrf", csrf.as_str()), ("act", act), ("revision", revision.as_str())];
    form.extend_from_slice(extra);
    client.post(app.url(&format!("/catalogues/{id}/act"))).form(&form).send().await.unwrap()
}

async fn catalogue_workflow(app: App) {
    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;
    let page = civil.get(app.url("/catalogues")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("导入目录文件") && page.contains("本单位的目录"), "{page}");
    let csrf = csrf_in(&page);

    // A file whose first row says 同上 is refused at its row and cell, and nothing is stored.
    let broken = CatalogueSheet {
        unit: CIVIL.into(),
        area: "社会救助".into(),
        items: vec![ItemDraft { level1: Some("低保".into()), timelimit: "同上".into(), ..Default::default() }],
    };
    let refused = upload(&civil, &app, &csrf, "同上.xlsx", catalogue_xlsx(&[broken]).unwrap()).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let said = refused.text().await.unwrap();
    assert!(
        said.contains("第4行") && said.contains("“公开时限”列") && said.contains("（G4）") && said.contains("同上"),
        "{said}"
    );
    assert!(app.store.catalogues(&CatalogueFilter::default()).await.unwrap().is_empty());

    // The county's real file becomes the draft, each 公开时限 read in plain words.
    let imported =
        upload(&civil, &app, &csrf, "盖州市社会救助标准目录.xlsx", fixture("gaizhou-shehuijiuzhu/catalogue.xlsx"))
            .await;
    assert_eq!(imported.status(), StatusCode::SEE_OTHER);
    let at = imported.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = at.trim_start_matches("/catalogues/").parse().unwrap();
    let page = civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("草稿") && page.contains("信息形成或变更之日起10个工作日内公开") && page.contains("监督 检查"),
        "{page}"
    );

    // Submitting is the unit's report on its 编制标准目录 obligation.
    assert_eq!(act(&civil, &app, id, "submit", &[]).await.status(), StatusCode::SEE_OTHER);
    let own =
        app.store.obligations(&ObligationFilter { unit: Some(CIVIL.into()), ..Default::default() }).await.unwrap();
    let task_one = own.iter().find(|o| o.task_seq == 1).expect("区民政局 has task 1");
    let reports = app.store.submissions(task_one.id).await.unwrap();
    assert!(
        reports
            .iter()
            .any(|r| r.text.contains("标准目录") && r.attachments.iter().any(|a| a.file_name.ends_with(".xlsx")))
    );
    // A stale form (the revision before the submit) changes nothing.
    let stale = civil
        .post(app.url(&format!("/catalogues/{id}/act")))
        .form(&[("csrf", csrf.as_str()), ("act", "submit"), ("revision", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    // The unit may not accept its own.
    assert_eq!(act(&civil, &app, id, "accept", &[]).await.status(), StatusCode::FORBIDDEN);

    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let without = act(&office, &app, id, "return", &[]).await;
    assert_eq!(without.status(), StatusCode::BAD_REQUEST, "a return says what to change");
    let comment = "请补充临时救助事项";
    assert_eq!(act(&office, &app, id, "return", &[("comment", comment)]).await.status(), StatusCode::SEE_OTHER);
    let page = civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已退回修改") && page.contains(comment));
    assert_eq!(act(&civil, &app, id, "submit", &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(act(&office, &app, id, "publish", &[]).await.status(), StatusCode::CONFLICT, "not before approval");
    assert_eq!(act(&office, &app, id, "accept", &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        act(&office, &app, id, "approve", &[("approval", "从府办函〔2020〕35号")]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(act(&office, &app, id, "publish", &[]).await.status(), StatusCode::SEE_OTHER);

    // The office sets the first item's column address (the unit may only while it drafts).
    let page = office.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    let items_now = app.store.catalogue_items(gongkai_store::CatalogueId(id)).await.unwrap();
    let column = "https://www.gaizhou.gov.cn/zwgk/shjz/zcfg/";
    let set = office
        .post(app.url(&format!("/catalogue-items/{}/url", items_now[0].id)))
        .form(&[("csrf", csrf_in(&page)), ("url", column.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    let civil_page = civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    let late_edit = civil
        .post(app.url(&format!("/catalogue-items/{}/url", items_now[0].id)))
        .form(&[("csrf", csrf_in(&civil_page)), ("url", "https://example.gov.cn/".to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(late_edit.status(), StatusCode::CONFLICT);

    // The public reads it, each item linking to its column.
    let index = reqwest::get(app.url("/public")).await.unwrap().text().await.unwrap();
    assert!(
        index.contains("href=\"&#x2f;public&#x2f;catalogues\"") || index.contains("href=\"/public/catalogues\""),
        "{index}"
    );
    let public = reqwest::get(app.url("/public/catalogues")).await.unwrap().text().await.unwrap();
    assert!(public.contains(CIVIL) && public.contains(&format!("/public/catalogues/{id}")), "{public}");
    let public = reqwest::get(app.url(&format!("/public/catalogues/{id}"))).await.unwrap().text().await.unwrap();
    assert!(public.contains("从府办函〔2020〕35号") && public.contains("信息形成或变更之日起10个工作日内公开"));
    assert!(
        public.contains(&format!("href=\"{}\"", column.replace('/', "&#x2f;")))
            || public.contains(&format!("href=\"{column}\"")),
        "{public}"
    );

    // 10 working days from 2020-09-28 end on 10-19 (国庆 8 days off, 10-10 worked); 10-22 is 3 late.
    let items = app.store.catalogue_items(gongkai_store::CatalogueId(id)).await.unwrap();
    let page = civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let record = |title: &'static str, published: &'static str| {
        let path = format!("/catalogue-items/{}/records", items[0].id);
        let form = vec![
            ("csrf", csrf.clone()),
            ("title", title.to_string()),
            ("url", "https://www.gaizhou.gov.cn/zwgk/shjz/1.html".to_string()),
            ("published_on", published.to_string()),
            ("event_on", "2020-09-28".to_string()),
        ];
        let client = civil.clone();
        let url = app.url(&path);
        async move { client.post(url).form(&form).send().await.unwrap() }
    };
    assert_eq!(record("社会救助政策文件汇编", "2020-10-19").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(record("社会救助投诉举报电话", "2020-10-22").await.status(), StatusCode::SEE_OTHER);
    // A second click on the same record keeps it once.
    assert_eq!(record("社会救助投诉举报电话", "2020-10-22").await.status(), StatusCode::CONFLICT);
    let page = civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("按时") && page.contains("逾期 3 个工作日") && page.contains("2020-10-19"), "{page}");
    assert!(page.contains("已登记公开信息 2 条，其中逾期 1 条"), "{page}");

    // The 登记表: downloaded, filled in Excel, uploaded; one wrong line refuses it all.
    let template = civil.get(app.url(&format!("/catalogues/{id}/records.xlsx"))).send().await.unwrap();
    assert_eq!(template.status(), StatusCode::OK);
    let template = template.bytes().await.unwrap();
    assert!(template.starts_with(b"PK"));
    let filled = |second_date: &str| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (col, head) in [
            "事项编号",
            "序号",
            "公开事项",
            "公开时限",
            "信息标题",
            "网址",
            "发布日期",
            "起算日期（形成、决定、收到……）",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string(2, col as u16, *head).unwrap();
        }
        for (row, (item, title, date)) in [
            (items[1].id.0, "社会救助投诉举报电话更新", "2020/10/12"),
            (items[1].id.0, "社会救助信访地址", second_date),
        ]
        .iter()
        .enumerate()
        {
            let row = row as u32 + 3;
            sheet.write_number(row, 0, *item as f64).unwrap();
            sheet.write_string(row, 4, *title).unwrap();
            sheet.write_string(row, 6, *date).unwrap();
            sheet.write_string(row, 7, "2020年9月28日").unwrap();
        }
        book.save_to_buffer().unwrap()
    };
    let upload_records = |bytes: Vec<u8>| {
        let form = Form::new().text("csrf", csrf.clone()).part("file", Part::bytes(bytes).file_name("登记表.xlsx"));
        civil.post(app.url(&format!("/catalogues/{id}/records"))).multipart(form).send()
    };
    let refused = upload_records(filled("十月")).await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let said = refused.text().await.unwrap();
    assert!(said.contains("第5行") && said.contains("发布日期“十月”不是日期") && said.contains("文件未导入"), "{said}");
    assert_eq!(app.store.published_records(gongkai_store::CatalogueId(id)).await.unwrap().len(), 2, "nothing stored");
    assert_eq!(upload_records(filled("2020-10-13")).await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.published_records(gongkai_store::CatalogueId(id)).await.unwrap().len(), 4);

    // 考核 takes the late record off (the default rule: 0.5 a record), and the 自查报告 tells it.
    let scores = gongkai_app::assessment::scores(
        &gongkai_app::App::new(app.store.clone()),
        2020,
        chrono::NaiveDate::from_ymd_opt(2020, 12, 31).unwrap(),
    )
    .await
    .unwrap();
    let civil_score = scores.iter().find(|s| s.unit == CIVIL).unwrap();
    let line = civil_score.explanation.iter().find(|l| l.item == "标准目录").expect("a 标准目录 line");
    assert_eq!(line.points, -0.5);
    assert!(line.reason.starts_with("1 条信息逾期公开"), "{}", line.reason);
    let report = gongkai_app::self_inspection::document(
        &app.store,
        CIVIL,
        2020,
        chrono::NaiveDate::from_ymd_opt(2020, 12, 31).unwrap(),
    )
    .await
    .unwrap();
    let text = format!("{report:?}");
    assert!(
        text.contains("标准目录编制和按目录公开") && text.contains("按目录登记公开信息 4 条，其中按时 3 条，逾期 1 条"),
        "{text}"
    );

    // A new version: the unit revises the published catalogue and imports its
    // corrected file; the items keep their records.
    assert_eq!(act(&civil, &app, id, "revise", &[]).await.status(), StatusCode::SEE_OTHER);
    let revised = app.store.catalogue(gongkai_store::CatalogueId(id)).await.unwrap();
    assert_eq!((revised.status.as_str(), revised.version), ("draft", 2));
    let again =
        upload(&civil, &app, &csrf, "盖州市社会救助标准目录.xlsx", fixture("gaizhou-shehuijiuzhu/catalogue.xlsx"))
            .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.catalogue_items(gongkai_store::CatalogueId(id)).await.unwrap()[0].id, items[0].id);
    assert_eq!(app.store.published_records(gongkai_store::CatalogueId(id)).await.unwrap().len(), 4);
    // The revision's changes against version 1 are listed for the reviewer.
    let mut changed = fixture_items("gaizhou-shehuijiuzhu/catalogue.xlsx");
    changed[0].timelimit = "信息形成之日起5个工作日内".into();
    changed.push(ItemDraft {
        level1: Some("临时救助".into()),
        content: "临时救助对象名单".into(),
        timelimit: "每季度更新".into(),
        ..Default::default()
    });
    let sheet = CatalogueSheet { unit: CIVIL.into(), area: "社会救助".into(), items: changed };
    assert_eq!(
        upload(&civil, &app, &csrf, "修订.xlsx", catalogue_xlsx(&[sheet]).unwrap()).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("与已发布的第 1 版相比")
            && page.contains("公开时限：由“制定或获取信息之日起10个工作日内”改为“信息形成之日起5个工作日内”"),
        "{page}"
    );
    assert!(page.contains("临时救助：新增事项"), "{page}");
    // While version 2 is drafted the public still reads version 1.
    let public = reqwest::get(app.url(&format!("/public/catalogues/{id}"))).await.unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    assert!(public.text().await.unwrap().contains("从府办函〔2020〕35号"));
    // An empty template for an area, to fill and import.
    let template = civil.get(app.url("/exports/catalogue-template.xlsx?area=社会救助")).send().await.unwrap();
    assert_eq!(template.status(), StatusCode::OK);
    let empty = civil
        .post(app.url("/catalogues/import"))
        .multipart(
            Form::new()
                .text("csrf", csrf.clone())
                .text("area", "养老服务")
                .part("file", Part::bytes(template.bytes().await.unwrap().to_vec()).file_name("模板.xlsx")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST, "an empty template has no items to import");
    assert!(empty.text().await.unwrap().contains("表头下没有任何事项"));

    // Every act is in the audit log.
    let events = app.store.audit_search(&AuditFilter { limit: 200, ..Default::default() }).await.unwrap();
    for action in [
        "catalogue.save",
        "catalogue.submit",
        "catalogue.return",
        "catalogue.accept",
        "catalogue.approve",
        "catalogue.publish",
        "catalogue.record",
    ] {
        assert!(events.iter().any(|e| e.action == action), "{action} not audited");
    }
}

/// The area's department (区民政局 for 社会救助) sees a town's catalogue
/// in its area and may return it; another unit may not.
async fn pilot_area_view(app: App) {
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let page = office.get(app.url("/catalogues")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let form = Form::new()
        .text("csrf", csrf)
        .text("unit", common::TOWN)
        .text("area", "社会救助")
        .part("file", Part::bytes(fixture("jinxiang-shehuijiuzhu/catalogue.docx")).file_name("金乡县.docx"));
    let imported = office.post(app.url("/catalogues/import")).multipart(form).send().await.unwrap();
    assert_eq!(imported.status(), StatusCode::SEE_OTHER);
    let id: i64 = imported.headers()["location"].to_str().unwrap().trim_start_matches("/catalogues/").parse().unwrap();
    let (town, _) = sign_in(&app, "town", PASSWORD).await;
    assert_eq!(act(&town, &app, id, "submit", &[]).await.status(), StatusCode::SEE_OTHER);

    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;
    let list = civil.get(app.url("/catalogues")).send().await.unwrap().text().await.unwrap();
    assert!(
        list.contains("本单位负责督导的试点领域：") && list.contains("社会救助") && list.contains(common::TOWN),
        "{list}"
    );
    assert_eq!(act(&civil, &app, id, "accept", &[]).await.status(), StatusCode::FORBIDDEN, "only the office accepts");
    assert_eq!(
        act(&civil, &app, id, "return", &[("comment", "请按民政部指引补全事项")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = town.get(app.url(&format!("/catalogues/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("请按民政部指引补全事项"));
}

on_both_backends! {
    catalogue_workflow => catalogue_workflow_on_sqlite, catalogue_workflow_on_postgres;
    pilot_area_view => pilot_area_view_on_sqlite, pilot_area_view_on_postgres;
}
