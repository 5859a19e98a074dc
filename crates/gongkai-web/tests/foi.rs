//! 依申请公开 through the pages, on both databases: 区民政局 enters a
//! request and records what happened; 温泉镇 neither sees it nor acts on
//! it; a second click on the same revision changes nothing; the public
//! applies without signing in and reads only the status, and an address
//! that applies too often is turned away; the office edits a letter's
//! wording and the next letter reads it; the annual report's page and its
//! exports; every change in the audit log.

#[macro_use]
mod common;

use common::{App, CIVIL, PASSWORD, csrf_in, sign_in};
use reqwest::StatusCode;
use serde_json::Value;

/// The text of a .docx's body.
fn docx_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    let mut text = String::new();
    let mut inside = false;
    for c in xml.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => text.push(c),
            _ => {}
        }
    }
    text
}

async fn story(app: App) {
    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;
    let page = civil.get(app.url("/requests/new")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("登记政府信息公开申请"), "{page}");
    let csrf = csrf_in(&page);
    // 邮寄: received the day it was signed for (Mon 2020-11-23): due 20 working days on, 2020-12-21.
    let form = [
        ("csrf", csrf.as_str()),
        ("applicant_kind", "自然人"),
        ("applicant", "李四"),
        ("contact", "13800000000"),
        ("channel", "邮寄"),
        ("text", "申请公开2020年度城乡低保资金发放明细"),
        ("submitted", "2020-11-19"),
        ("received", "2020-11-23"),
        ("once", "the-form-page-key"),
    ];
    let created = civil.post(app.url("/requests")).form(&form).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let at = created.headers()["location"].to_str().unwrap().to_string();
    let twice = civil.post(app.url("/requests")).form(&form).send().await.unwrap();
    assert_eq!(twice.status(), StatusCode::CONFLICT, "the same form page sent twice enters one request");
    assert!(twice.text().await.unwrap().contains("请勿重复提交"));
    let page = civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("2020-11-23") && page.contains("2020-12-21") && page.contains("李四"), "{page}");
    let revision = |page: &str| -> String {
        let at = page.find("name=\"revision\" value=\"").unwrap() + 23;
        page[at..].split('"').next().unwrap().to_string()
    };
    let seen = revision(&page);

    // 温泉镇 neither sees it nor acts on it; the register shows it only to 区民政局 and the office.
    let (town, _) = sign_in(&app, "town", PASSWORD).await;
    assert_eq!(town.get(app.url(&at)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let town_page = town.get(app.url("/requests")).send().await.unwrap().text().await.unwrap();
    assert!(!town_page.contains("李四"), "{town_page}");
    let town_csrf = csrf_in(&town_page);
    let act = [("csrf", town_csrf.as_str()), ("revision", seen.as_str()), ("kind", "extended"), ("date", "2020-12-01")];
    let refused = town.post(app.url(&format!("{at}/events"))).form(&act).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{}", refused.text().await.unwrap());
    let (viewer, _) = sign_in(&app, "viewer", PASSWORD).await;
    let register = viewer.get(app.url("/requests")).send().await.unwrap().text().await.unwrap();
    assert!(register.contains("李四") && register.contains(CIVIL), "leaders read every unit's register");

    // 补正 asked; the same form sent twice (the same revision) lands once.
    let event = [
        ("csrf", csrf.as_str()),
        ("revision", seen.as_str()),
        ("kind", "correction_requested"),
        ("date", "2020-11-24"),
    ];
    let first = civil.post(app.url(&format!("{at}/events"))).form(&event).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let second = civil.post(app.url(&format!("{at}/events"))).form(&event).send().await.unwrap();
    assert_eq!(second.status(), StatusCode::CONFLICT);
    assert!(second.text().await.unwrap().contains("刚刚已被他人登记"));
    let page = civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("等待申请人补正"), "{page}");
    assert_eq!(page.matches("发出补正告知").count(), 2, "once in the events, once in the choice: {page}");

    // Corrected on Mon 2020-11-30: due again 20 working days on, 2020-12-28.
    let seen = revision(&page);
    let event =
        [("csrf", csrf.as_str()), ("revision", seen.as_str()), ("kind", "correction_received"), ("date", "2020-11-30")];
    civil.post(app.url(&format!("{at}/events"))).form(&event).send().await.unwrap();
    let page = civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("办理中（答复期限 2020-12-28）"), "{page}");

    // The office changes the 补正告知书's wording; the letter made next reads it.
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let templates = office.get(app.url("/letter-templates")).send().await.unwrap().text().await.unwrap();
    let office_csrf = csrf_in(&templates);
    let wording = "{申请人}：\n请于15个工作日内补正申请（受理编号：{受理编号}），写明文件名称。";
    let bad = [("csrf", office_csrf.as_str()), ("revision", "0"), ("body", "{申请人}：{身份证号}")];
    let refused = office.post(app.url("/letter-templates/correction")).form(&bad).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("{身份证号}"));
    let save = [("csrf", office_csrf.as_str()), ("revision", "0"), ("body", wording)];
    assert_eq!(
        office.post(app.url("/letter-templates/correction")).form(&save).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let civil_try = [("csrf", csrf.as_str()), ("revision", "1"), ("body", wording)];
    let refused = civil.post(app.url("/letter-templates/correction")).form(&civil_try).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "only the office words the letters");

    let seen = revision(&civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap());
    let letter = [("csrf", csrf.as_str()), ("revision", seen.as_str()), ("letter", "correction"), ("format", "docx")];
    assert_eq!(
        civil.post(app.url(&format!("{at}/letters"))).form(&letter).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let again = civil.post(app.url(&format!("{at}/letters"))).form(&letter).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT, "a double click makes one letter");
    let seen = revision(&civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap());
    let not_yet = [("csrf", csrf.as_str()), ("revision", seen.as_str()), ("letter", "extension"), ("format", "docx")];
    let refused = civil.post(app.url(&format!("{at}/letters"))).form(&not_yet).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "no extension recorded yet");
    let page = civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    let link = page.split("href=\"").find(|s| s.starts_with(&format!("{at}/documents/"))).unwrap();
    let link = link.split('"').next().unwrap().to_string();
    let docx = civil.get(app.url(&link)).send().await.unwrap();
    assert_eq!(docx.status(), StatusCode::OK);
    let text = docx_text(&docx.bytes().await.unwrap());
    assert!(
        text.contains("李四：") && text.contains("写明文件名称") && text.contains("政府信息公开申请补正告知书"),
        "{text}"
    );
    let number = page.split("<h1>政府信息公开申请 ").nth(1).unwrap().split('<').next().unwrap().trim().to_string();
    assert!(text.contains(&number), "{number} in {text}");
    assert_eq!(
        town.get(app.url(&link)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "the letter is 区民政局's"
    );

    // The answer; then the status the public reads says so, and nothing about who asked.
    let seen = revision(&page);
    let answer = [
        ("csrf", csrf.as_str()),
        ("revision", seen.as_str()),
        ("kind", "answered"),
        ("date", "2020-12-10"),
        ("outcome", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        ("note", ""),
    ];
    assert_eq!(
        civil.post(app.url(&format!("{at}/events"))).form(&answer).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let public = common::browser();
    let status = public
        .get(app.url(&format!("/public/apply/status?number={}", number.replace('-', " "))))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(status.contains("已办结（2020-12-10）：部分公开") && status.contains(CIVIL), "{status}");
    assert!(!status.contains("李四") && !status.contains("低保"), "the status tells nothing of who asked or what");
    let unknown = public.get(app.url("/public/apply/status?number=2020-0000-0000-0000")).send().await.unwrap();
    assert!(unknown.text().await.unwrap().contains("没有找到受理编号"));

    // The public applies without signing in: a 网络 request the unit confirms.
    let form_page = public.get(app.url("/public/apply")).send().await.unwrap().text().await.unwrap();
    let public_csrf = csrf_in(&form_page);
    let application = [
        ("csrf", public_csrf.as_str()),
        ("unit", CIVIL),
        ("applicant_kind", "商业企业"),
        ("applicant", "某某养老服务有限公司"),
        ("contact", "020-00000000"),
        ("text", "申请公开2020年养老机构运营补贴名单"),
    ];
    let applied = public.post(app.url("/public/apply")).form(&application).send().await.unwrap();
    assert_eq!(applied.status(), StatusCode::OK);
    let applied = applied.text().await.unwrap();
    let twice = public.post(app.url("/public/apply")).form(&application).send().await.unwrap();
    assert_eq!(twice.status(), StatusCode::CONFLICT, "the same form sent twice files one request");
    assert!(twice.text().await.unwrap().contains("请勿重复提交"));
    let receipt = applied.split("id=\"receipt-number\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    let register = civil.get(app.url("/requests?show=open")).send().await.unwrap().text().await.unwrap();
    assert!(register.contains(&receipt) && register.contains("等待确认收到"), "{register}");
    // A forged form (no token from the page) is refused; so is an address past its limit.
    let forged = common::browser().post(app.url("/public/apply")).form(&application).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    // Ten tries an hour from one address, each from a fresh form: two are
    // spent above (the application and its repeat), eight more go in, the
    // eleventh is turned away.
    let mut filed = 1;
    let mut limited = None;
    for _ in 0..12 {
        let page = public.get(app.url("/public/apply")).send().await.unwrap().text().await.unwrap();
        let fresh = csrf_in(&page);
        let mut again = application;
        again[0] = ("csrf", fresh.as_str());
        let response = public.post(app.url("/public/apply")).form(&again).send().await.unwrap();
        match response.status() {
            StatusCode::OK => filed += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                limited = Some(response.text().await.unwrap());
                break;
            }
            other => panic!("{other}"),
        }
    }
    assert!(limited.is_some_and(|t| t.contains("操作过于频繁")), "ten an hour from one address");
    assert_eq!(filed, 9);

    // The applicant's letter as scanned, kept with the request; not readable by 温泉镇.
    let part = reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("申请书扫描件.pdf");
    let seen = revision(&civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap());
    let upload = reqwest::multipart::Form::new().text("csrf", csrf.clone()).text("revision", seen).part("file", part);
    let attached = civil.post(app.url(&format!("{at}/attachments"))).multipart(upload).send().await.unwrap();
    assert_eq!(attached.status(), StatusCode::SEE_OTHER);
    let fake = reqwest::multipart::Part::bytes(b"MZ\x90\x00".to_vec()).file_name("申请书.pdf");
    let seen = revision(&civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap());
    let upload = reqwest::multipart::Form::new().text("csrf", csrf.clone()).text("revision", seen).part("file", fake);
    let refused = civil.post(app.url(&format!("{at}/attachments"))).multipart(upload).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "a file that is not what its name says");
    let page = civil.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    let scan = page.split("href=\"").filter(|s| s.starts_with(&format!("{at}/documents/"))).nth(1).unwrap();
    let scan = scan.split('"').next().unwrap().to_string();
    let back = civil.get(app.url(&scan)).send().await.unwrap();
    assert_eq!(back.headers()["content-type"], "application/pdf");
    assert_eq!(back.bytes().await.unwrap().as_ref(), b"%PDF-1.4\n%%EOF\n");
    assert_eq!(town.get(app.url(&scan)).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // The annual report: counted from the register, entered parts saved once per revision, exported.
    // Table 二 is suggested from the catalogue: two 行政许可 results published in 2020 (one in 2019).
    catalogue_with_licences(&app).await;
    let report = civil.get(app.url("/foi-report?year=2020")).send().await.unwrap().text().await.unwrap();
    assert!(report.contains("广州市从化区民政局2020年政府信息公开工作年度报告"), "{report}");
    assert!(
        report.contains("name=\"t2|行政许可|本年处理决定数量\" value=\"2\"") && report.contains("据标准目录预填"),
        "{report}"
    );
    let save = [
        ("csrf", csrf.as_str()),
        ("unit", CIVIL),
        ("year", "2020"),
        ("revision", "0"),
        ("overview", "本年度共收到政府信息公开申请若干件。"),
        ("problems", ""),
        ("other", "未收取信息处理费。"),
        ("t2|行政许可|本年处理决定数量", "12"),
    ];
    assert_eq!(civil.post(app.url("/foi-report")).form(&save).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let again = civil.post(app.url("/foi-report")).form(&save).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT, "the first save made revision 1");
    let bad = [
        ("csrf", csrf.as_str()),
        ("unit", CIVIL),
        ("year", "2020"),
        ("revision", "1"),
        ("t2|行政许可|本年处理决定数量", "十二"),
    ];
    let refused = civil.post(app.url("/foi-report")).form(&bad).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("表二“行政许可”的“本年处理决定数量”应为不小于 0 的整数"));
    let tables: Value = civil
        .get(app.url("/api/v1/foi-report?year=2020"))
        .bearer_auth(app.token("civil"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The letter's request (自然人, answered: 部分公开) and the public one (商业企业), received? Not yet: not counted.
    assert_eq!(tables["table3"]["rows"][0]["values"], serde_json::json!([1, 0, 0, 0, 0, 0, 1]));
    assert_eq!(tables["table3"]["rows"][3]["values"], serde_json::json!([1, 0, 0, 0, 0, 0, 1]));
    assert_eq!(tables["breaks"], serde_json::json!([]));
    let town_report = town.get(app.url(&format!("/foi-report?year=2020&unit={CIVIL}"))).send().await.unwrap();
    assert_eq!(town_report.status(), StatusCode::NOT_FOUND, "a unit reads only its own report");
    let docx = civil.get(app.url("/foi-report/export?year=2020&format=docx")).send().await.unwrap();
    assert_eq!(docx.status(), StatusCode::OK);
    let text = docx_text(&docx.bytes().await.unwrap());
    assert!(text.contains("未收取信息处理费。") && text.contains("行政许可") && text.contains("12"), "{text}");
    // The office's roll-up names each unit with its totals, linked to its report.
    let roll_up = office.get(app.url("/foi-report?year=2020")).send().await.unwrap().text().await.unwrap();
    assert!(
        roll_up.contains("各单位情况（1 个单位本年有申请）") && roll_up.contains(&format!(">{CIVIL}</a>")),
        "{roll_up}"
    );
    let xlsx =
        office.get(app.url(&format!("/foi-report/export?year=2020&format=xlsx&unit={CIVIL}"))).send().await.unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);

    // Every change is in the audit log.
    for (action, count) in
        [("foi.add", 10), ("foi.event", 3), ("foi.template", 1), ("foi.document", 2), ("foi.report", 1)]
    {
        let filter = gongkai_store::AuditFilter { action: Some(action.into()), limit: 100, ..Default::default() };
        assert_eq!(app.store.audit_count(&filter).await.unwrap(), count, "{action} in the audit log");
    }
}

/// 区民政局's published catalogue with an item for 行政许可 results, and
/// three records under it: two published in 2020, one in 2019.
async fn catalogue_with_licences(app: &App) {
    use gongkai_domain::catalogue::{CatalogueAct, ItemDraft};
    let item = ItemDraft {
        level1: Some("行政许可".into()),
        level2: Some("养老机构设立许可结果".into()),
        content: "许可决定".into(),
        timelimit: "作出决定之日起7个工作日内".into(),
        ..Default::default()
    };
    let id = app.store.save_catalogue(CIVIL, "综合", 0, "标准目录", "", &[item], None, "测试").await.unwrap();
    for act in [CatalogueAct::Submit, CatalogueAct::Accept, CatalogueAct::Approve, CatalogueAct::Publish] {
        let seen = app.store.catalogue(id).await.unwrap().revision;
        app.store.catalogue_act(id, act, seen, "", Some("从府办函〔2020〕35号"), None, "测试").await.unwrap();
    }
    let item = app.store.catalogue_items(id).await.unwrap()[0].id;
    let record = |title: &str, on: &str| gongkai_store::NewRecordRow {
        item,
        title: title.into(),
        url: String::new(),
        published_on: chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap(),
        event_on: None,
    };
    let records = [record("许可一", "2019-12-30"), record("许可二", "2020-03-02"), record("许可三", "2020-11-20")];
    app.store.add_published_records(&records, None, "测试").await.unwrap();
}

on_both_backends! {
    story => requests_through_the_pages_on_sqlite, requests_through_the_pages_on_postgres;
}
