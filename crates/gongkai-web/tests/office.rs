//! What the office does beyond review, through the API and the pages: the
//! head sign-off rule, importing a list with a preview, correcting the unit
//! directory, confirming a "…等相关部门" group, and the 台账's filters.

#[macro_use]
mod common;

use common::{App, CIVIL, PASSWORD, TOWN, csrf_in, sign_in};
use gongkai_store::{ObligationFilter, ObligationId, PlanId};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

fn seed_file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../../../shared/seed/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn call(app: &App, login: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new().request(method, app.url(path)).bearer_auth(app.token(login));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(app: &App, login: &str, path: &str) -> (StatusCode, Value) {
    call(app, login, reqwest::Method::GET, path, None).await
}

async fn post(app: &App, login: &str, path: &str, body: Value) -> (StatusCode, Value) {
    call(app, login, reqwest::Method::POST, path, Some(body)).await
}

async fn the_villages_report(app: &App) -> ObligationId {
    let own = app.store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    own.into_iter().find(|o| o.due == chrono::NaiveDate::from_ymd_opt(2020, 11, 30)).unwrap().id
}

async fn submit(app: &App, login: &str, id: ObligationId) -> StatusCode {
    let form = Form::new().text("text", "已完成督导");
    let response = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/obligations/{id}/submissions")))
        .bearer_auth(app.token(login))
        .multipart(form)
        .send()
        .await
        .unwrap();
    response.status()
}

async fn head_sign_off(app: App) {
    let id = the_villages_report(&app).await;
    let review = |decision: &str| json!({ "decision": decision, "reason": "请补充照片" });
    let path = format!("/api/v1/obligations/{id}/review");

    // Only the office sets the rule.
    assert_eq!(post(&app, "town", "/api/v1/plans/1", json!({ "head_signoff": true })).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, "office", "/api/v1/plans/1", json!({ "head_signoff": true })).await.0, StatusCode::OK);
    let (_, plans) = get(&app, "town", "/api/v1/plans").await;
    assert_eq!(plans[0]["head_signoff"], true);

    assert_eq!(submit(&app, "town", id).await, StatusCode::CREATED);
    // The reviewer cannot decide before the head signs; the head cannot accept.
    let (status, body) = post(&app, "civil", &path, review("accept")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("签发"), "{body}");
    assert_eq!(post(&app, "townhead", &path, review("accept")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        post(&app, "town", &path, review("signoff")).await.0,
        StatusCode::FORBIDDEN,
        "a handler is not the head"
    );

    // The head returns it to the handler, who reports again; the head signs.
    assert_eq!(post(&app, "townhead", &path, review("return")).await.1["status"], "returned");
    assert_eq!(submit(&app, "town", id).await, StatusCode::CREATED);
    assert_eq!(post(&app, "townhead", &path, review("signoff")).await.1["status"], "signed");
    assert_eq!(post(&app, "townhead", &path, review("signoff")).await.0, StatusCode::CONFLICT, "signed once");

    // Signed: the head's queue is empty, the reviewer's holds it.
    let (town_head, _) = sign_in(&app, "townhead", PASSWORD).await;
    let queue = town_head.get(app.url("/review")).send().await.unwrap().text().await.unwrap();
    assert!(!queue.contains("待我签发"));
    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;
    let queue = civil.get(app.url("/review")).send().await.unwrap().text().await.unwrap();
    assert!(queue.contains(&format!("/obligations/{id}")), "{queue}");

    assert_eq!(post(&app, "civil", &path, review("accept")).await.1["status"], "accepted");
    let (_, one) = get(&app, "town", &format!("/api/v1/obligations/{id}")).await;
    assert_eq!(one["done_on"], "2020-11-25");
    let (_, rows) = get(&app, "office", &format!("/api/v1/obligations?light=done&unit={TOWN}")).await;
    assert_eq!(rows[0]["timing"], "按时完成");
    let (_, history) = get(&app, "town", &format!("/api/v1/obligations/{id}/submissions")).await;
    let decisions: Vec<&str> =
        history[0]["reviews"].as_array().unwrap().iter().map(|r| r["decision"].as_str().unwrap()).collect();
    assert_eq!(decisions, ["signed", "accepted"]);
    let by_head: Vec<String> =
        app.store.audit_entries(Some("townhead"), None, 100).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(
        by_head,
        ["login", "obligation.signoff", "obligation.review"],
        "signed once, returned once (newest first)"
    );
    assert_eq!(app.store.audit_entries(None, Some("plan.signoff"), 100).await.unwrap().len(), 1);

    // The plan's reminder rules, set by the office and checked.
    let rules = |lead: Value| json!({ "reminders": { "lead_days": lead, "escalate_after_working_days": 3, "notice_working_days": 10 } });
    assert_eq!(post(&app, "office", "/api/v1/plans/1", rules(json!([0]))).await.0, StatusCode::BAD_REQUEST);
    let (status, body) = post(&app, "office", "/api/v1/plans/1", rules(json!([10, 2]))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["reminders"]["lead_days"], json!([10, 2]));
    assert_eq!(body["head_signoff"], true, "left as it was");
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let page = office.get(app.url("/tasks")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("value=\"10、2\""), "{page}");
}

async fn import(app: &App, login: &str, file: Option<(&str, Vec<u8>)>, fields: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut form = Form::new();
    if let Some((name, bytes)) = file {
        form = form.part("file", Part::bytes(bytes).file_name(name.to_string()));
    }
    for (key, value) in fields {
        form = form.text(key.to_string(), value.to_string());
    }
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/imports"))
        .bearer_auth(app.token(login))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn import_with_preview(app: App) {
    let before = app.store.obligations(&ObligationFilter::default()).await.unwrap().len();
    let docx = seed_file("conghua-2020-tasklist.docx");
    assert_eq!(import(&app, "town", Some(("list.docx", docx.clone())), &[]).await.0, StatusCode::FORBIDDEN);

    // Not a list at all: said so, by file name.
    let (status, body) = import(&app, "office", Some(("清单.docx", b"not a zip".to_vec())), &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("清单.docx"), "{body}");

    // A list with a problem: previewed with the row and cell; saving refused.
    let broken = "责任单位\t工作任务\t完成时间及方式\t方案项目\n区不存在局\t公开一件事\t2021年6月底前完成\t（一）\n";
    let (status, body) =
        import(&app, "office", Some(("新清单.txt", broken.as_bytes().to_vec())), &[("commit", "1"), ("year", "2021")])
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = body["understanding"]["problems"].as_array().unwrap();
    assert!(problems.iter().any(|p| p["message"].as_str().unwrap().contains("区不存在局")), "{body}");
    assert!(body["saved"].is_null());

    // The seed list as Word: a preview, then the confirmation by reference.
    let (status, preview) =
        import(&app, "office", Some(("清单.docx", docx)), &[("year", "2020"), ("title", "清单")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(preview["understanding"]["tasks"].as_array().unwrap().len(), 36);
    assert!(preview["saved"].is_null(), "a preview saves nothing");
    let sha = preview["sha256"].as_str().unwrap();
    let fields = [("sha256", sha), ("file_name", "清单.docx"), ("year", "2020"), ("title", "清单"), ("commit", "1")];
    let (status, done) = import(&app, "office", None, &fields).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["saved"]["tasks_unchanged"], 36, "the same list as the seed: nothing changes");
    assert_eq!(app.store.obligations(&ObligationFilter::default()).await.unwrap().len(), before);
    let (status, _) = import(&app, "office", None, &[("sha256", "../../etc/passwd"), ("commit", "1")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The page: upload, preview with 确认导入, confirm.
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let csrf = csrf_in(&office.get(app.url("/import")).send().await.unwrap().text().await.unwrap());
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("year", "2021")
        .text("title", "2021年清单")
        .part("file", Part::bytes(seed_file("conghua-2020-tasklist.xlsx")).file_name("清单.xlsx"));
    let page = office.post(app.url("/import")).multipart(form).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("确认导入") && page.contains("36 项任务"), "{page}");
    let sha = page.split("name=\"sha256\" value=\"").nth(1).unwrap()[..64].to_string();
    let form = Form::new()
        .text("csrf", csrf)
        .text("sha256", sha)
        .text("file_name", "清单.xlsx")
        .text("year", "2021")
        .text("title", "2021年清单")
        .text("commit", "1");
    let page = office.post(app.url("/import")).multipart(form).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已导入“2021年清单”（2021 年）：新增任务 36"), "{page}");
    let (_, plans) = get(&app, "office", "/api/v1/plans").await;
    assert_eq!(plans.as_array().unwrap().len(), 2);
}

async fn directory_and_groups(app: App) {
    // A new department, then a correction of its name: the old name stays an alias.
    let unit = json!({ "name": "广州市从化区规划和自然资源局", "aliases": "区规划资源分局", "kind": "department", "inferred": "true" });
    let (status, body) = post(&app, "office", "/api/v1/units", unit.clone()).await;
    assert!(status == StatusCode::OK || body["error"].as_str().unwrap_or("").contains("已在目录中"), "{body}");
    let (status, body) = post(&app, "office", "/api/v1/units", json!({ "name": "x", "kind": "bureau" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("bureau"));
    let (status, _) =
        post(&app, "office", "/api/v1/units", json!({ "previous": "不存在的单位", "name": "y", "kind": "department" }))
            .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) =
        post(&app, "office", "/api/v1/units", json!({ "previous": TOWN, "name": CIVIL, "kind": "town" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let renamed = "广州市从化区温泉镇";
    let own_before =
        app.store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    let (status, body) = post(
        &app,
        "office",
        "/api/v1/units",
        json!({ "previous": TOWN, "name": renamed, "aliases": "温泉镇", "kind": "town" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let directory = app.store.directory().await.unwrap();
    assert_eq!(directory.find(TOWN).map(|u| u.name.as_str()), Some(renamed), "the old name is an alias");
    let own_after =
        app.store.obligations(&ObligationFilter { unit: Some(renamed.into()), ..Default::default() }).await.unwrap();
    assert_eq!(own_after.len(), own_before.len(), "its obligations follow it");
    let tasks = app.store.tasks().await.unwrap();
    assert!(
        tasks.iter().any(|t| t.units.iter().any(|u| u == renamed))
            && tasks.iter().all(|t| !t.units.contains(&TOWN.to_string()))
    );
    // The handler of the unit still works on its own work.
    let (_, mine) = get(&app, "town", "/api/v1/obligations").await;
    assert_eq!(mine.as_array().unwrap().len(), own_before.len());

    // "区发改局等相关部门": only the lead is bound until the office confirms.
    let (_, tasks) = get(&app, "office", "/api/v1/tasks").await;
    let task = tasks.as_array().unwrap().iter().find(|t| t["responsible"] == "区发改局等相关部门").unwrap().clone();
    assert_eq!(task["needs_confirmation"], true);
    assert_eq!(task["units"].as_array().unwrap().len(), 1);
    let path = format!("/api/v1/tasks/{}/members", task["id"]);
    assert_eq!(post(&app, "town", &path, json!({ "units": ["区民政局"] })).await.0, StatusCode::FORBIDDEN);
    let (status, body) = post(&app, "office", &path, json!({ "units": ["区无此局"] })).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = post(&app, "office", &path, json!({ "units": ["区民政局", "区财政局"] })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["obligations_added"].as_u64().unwrap() > 0);
    let (_, detail) = get(&app, "office", &format!("/api/v1/tasks/{}", task["id"])).await;
    assert_eq!(detail["task"]["needs_confirmation"], false);
    assert_eq!(detail["task"]["units"].as_array().unwrap().len(), 3);
    let civil_rows = detail["obligations"].as_array().unwrap().iter().filter(|o| o["unit"] == CIVIL).count();
    assert!(civil_rows > 0, "区民政局 now holds the task");

    // Re-importing the list keeps the confirmation.
    let directory = app.store.directory().await.unwrap();
    let list = gongkai_io::read_task_list("seed.txt", gongkai_io::SEED_TASK_LIST.as_bytes()).unwrap();
    let understood = gongkai_domain::plan::understand(&list, &directory, 2020);
    let heading =
        gongkai_store::PlanHeading::new("清单", "从化区", chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    app.store.save_plan(&understood, &heading, &directory, "测试").await.unwrap();
    let (_, again) = get(&app, "office", &format!("/api/v1/tasks/{}", task["id"])).await;
    assert_eq!(again["task"]["units"].as_array().unwrap().len(), 3);
    // Channels: secrets kept when left blank, never shown, never in the audit log.
    let contact = |secret: &str| {
        json!({ "unit": "区民政局", "email": "mzj@example.gov.cn", "dingtalk_url": "https://oapi.dingtalk.com/robot/send?access_token=t",
                "dingtalk_secret": secret })
    };
    assert_eq!(post(&app, "town", "/api/v1/units/contact", contact("SECx")).await.0, StatusCode::FORBIDDEN);
    let bad = json!({ "unit": "区民政局", "wecom_url": "ftp://x" });
    assert_eq!(post(&app, "office", "/api/v1/units/contact", bad).await.0, StatusCode::BAD_REQUEST);
    let (status, body) = post(&app, "office", "/api/v1/units/contact", contact("SEC-kept-secret")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["channels"], json!(["web", "email", "dingtalk"]));
    post(&app, "office", "/api/v1/units/contact", contact("")).await;
    assert_eq!(app.store.contact(CIVIL).await.unwrap().dingtalk_secret, "SEC-kept-secret");
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let edit = office.get(app.url(&format!("/units/edit?name={CIVIL}"))).send().await.unwrap().text().await.unwrap();
    assert!(edit.contains("通知渠道") && edit.contains("已设置") && !edit.contains("SEC-kept-secret"));
    let log = app.store.audit_entries(None, Some("unit.contact"), 10).await.unwrap();
    assert!(!log.is_empty() && log.iter().all(|e| !e.after.as_deref().unwrap_or("").contains("SEC-kept-secret")));

    let actions: Vec<String> =
        app.store.audit_entries(None, None, 100).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"units.edit".into()) && actions.contains(&"task.members".into()));
}

async fn ledger_filters(app: App) {
    let (_, board) = get(&app, "office", "/api/v1/dashboard").await;
    let (_, red) = get(&app, "office", "/api/v1/obligations?light=red&sort=light").await;
    let red = red.as_array().unwrap();
    assert_eq!(red.len() as u64, board["totals"]["overdue"].as_u64().unwrap());
    assert!(red.iter().all(|o| o["light"] == "red" && o["due"].as_str().unwrap() < "2020-11-25"));
    let days: Vec<i64> = red.iter().map(|o| o["days"].as_i64().unwrap()).collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "longest overdue first");

    let (_, window) = get(&app, "office", "/api/v1/obligations?from=2020-12-01&to=2020-12-31&sort=unit").await;
    let window = window.as_array().unwrap();
    assert!(!window.is_empty());
    assert!(window.iter().all(|o| ("2020-12-01".."2020-12-32").contains(&o["due"].as_str().unwrap())));
    let units: Vec<&str> = window.iter().map(|o| o["unit"].as_str().unwrap()).collect();
    assert!(units.windows(2).all(|w| w[0] <= w[1]));

    let (_, item) = get(&app, "office", "/api/v1/obligations?item=（二十二）").await;
    let (_, tasks) = get(&app, "office", "/api/v1/tasks").await;
    let with_item: Vec<i64> = tasks
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["items"].as_array().unwrap().iter().any(|i| i == "（二十二）"))
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert!(!with_item.is_empty());
    assert!(item.as_array().unwrap().iter().all(|o| with_item.contains(&o["task_id"].as_i64().unwrap())));

    let (status, body) = get(&app, "office", "/api/v1/obligations?to=31/12/2020").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("31/12/2020"));

    // The page: sortable headers keep the filters.
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let page = office
        .get(app.url("/my?light=red&unit=广州市从化区温泉镇人民政府"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("单位台账") && page.contains("已逾期"));
    assert!(page.contains("href=\"?unit=%E5%B9%BF"), "sort links keep the unit");
    let bad = office.get(app.url("/my?sort=colour")).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

async fn feeds_and_audit_search(app: App) {
    // A unit's calendar address, made by script and read without signing in.
    let (status, made) = post(&app, "town", "/api/v1/calendar/feeds", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{made}");
    let feed = reqwest::get(app.url(made["path"].as_str().unwrap())).await.unwrap();
    assert!(feed.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    assert!(feed.text().await.unwrap().contains("BEGIN:VCALENDAR"));
    assert_eq!(post(&app, "office", "/api/v1/calendar/feeds", json!({})).await.0, StatusCode::BAD_REQUEST);

    // The audit log narrowed by action, target and day.
    let id = the_villages_report(&app).await;
    assert_eq!(submit(&app, "town", id).await, StatusCode::CREATED);
    let target = format!("任务事项 {id}");
    let (_, found) = get(&app, "office", &format!("/api/v1/audit?action=obligation.submit&target={target}")).await;
    let entries = found["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["actor"], "town");
    // The filter's days are Beijing days (from 16:00 UTC it is already tomorrow there).
    let today = gongkai_domain::calendar::china_today();
    let (_, found) = get(&app, "office", &format!("/api/v1/audit?target={target}&from={today}&to={today}")).await;
    assert_eq!(found["entries"].as_array().unwrap().len(), 1);
    let (_, found) = get(&app, "office", &format!("/api/v1/audit?target={target}&to=2020-01-01")).await;
    assert!(found["entries"].as_array().unwrap().is_empty());
    let (status, body) = get(&app, "office", "/api/v1/audit?from=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("yesterday"));
    assert!(found["intact"].as_bool().unwrap());
}

async fn notices_and_extensions(app: App) {
    // 延期: the unit asks, the office answers; the due date moves and its history stays.
    let id = the_villages_report(&app).await;
    let path = format!("/api/v1/obligations/{id}/extensions");
    let ask = |due: &str| json!({ "due": due, "reason": "村（居）换届，材料收集推迟" });
    let (status, body) = post(&app, "town", &path, ask("2020-11-20")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "earlier than due: {body}");
    assert_eq!(post(&app, "town", &path, ask("2020-12-10")).await.0, StatusCode::CREATED);
    let (status, body) = post(&app, "town", &path, ask("2020-12-15")).await;
    assert!(status == StatusCode::CONFLICT && body["error"].as_str().unwrap().contains("等待"), "{body}");
    let decision = format!("{path}/decision");
    assert_eq!(post(&app, "civil", &decision, json!({ "decision": "grant" })).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, "town", &decision, json!({ "decision": "grant" })).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, "office", &decision, json!({ "decision": "refuse" })).await.0, StatusCode::BAD_REQUEST);
    let (status, body) = post(&app, "office", &decision, json!({ "decision": "grant", "note": "同意" })).await;
    assert_eq!((status, body["due"].as_str()), (StatusCode::OK, Some("2020-12-10")));
    let (_, history) = get(&app, "town", &path).await;
    assert_eq!(history[0]["previous_due"], "2020-11-30");
    assert_eq!(history[0]["status"], "granted");
    let (_, one) = get(&app, "town", &format!("/api/v1/obligations/{id}")).await;
    assert_eq!(one["due"], "2020-12-10");

    // 督办: numbered per year, to the unit only, printable.
    let own = app.store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    let late =
        own.iter().find(|o| o.due.is_some_and(|d| d < chrono::NaiveDate::from_ymd_opt(2020, 11, 25).unwrap())).unwrap();
    let issue = format!("/api/v1/obligations/{}/notice", late.id);
    assert_eq!(post(&app, "civil", &issue, json!({})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(post(&app, "town", &issue, json!({})).await.0, StatusCode::FORBIDDEN);
    let (status, first) = post(&app, "office", &issue, json!({ "note": "逾期未报送" })).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["number"], "督办〔2020〕1号");
    assert_eq!(first["new_due"], "2020-12-02", "five working days after 2020-11-25");
    let (_, second) = post(&app, "office", &issue, json!({ "new_due": "2020-12-31" })).await;
    assert_eq!(second["number"], "督办〔2020〕2号");
    let (_, theirs) = get(&app, "town", "/api/v1/notices").await;
    assert_eq!(theirs.as_array().unwrap().len(), 2);
    let (_, none) = get(&app, "civil", "/api/v1/notices").await;
    assert!(none.as_array().unwrap().is_empty());
    let (_, inbox) = get(&app, "town", "/api/v1/inbox").await;
    assert!(inbox[0]["message"].as_str().unwrap().contains("督办〔2020〕2号"), "{inbox}");
    let (town, _) = sign_in(&app, "town", PASSWORD).await;
    let page = town.get(app.url(&format!("/notices/{}", first["id"]))).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("督办〔2020〕1号") && page.contains("2020年12月2日") && page.contains("逾期未报送"),
        "{page}"
    );
    let mine = town.get(app.url("/my")).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("本单位有 2 份督办通知"), "{mine}");
}

async fn assessment_on_the_web(app: App) {
    // The rule: readable by all, edited by the office, refused whole when wrong.
    let (status, _) = reqwest::Client::new()
        .get(app.url("/api/v1/plans/1/scoring"))
        .bearer_auth(app.token("town"))
        .send()
        .await
        .map(|r| (r.status(), ()))
        .unwrap();
    assert_eq!(status, StatusCode::OK);
    let rule =
        gongkai_domain::scoring::DEFAULT_RULE.replace("late_deduction_per_day = 0.10", "late_deduction_per_day = 0.05");
    let broken = rule.replace("full_marks = 100", "full_marks = 一百");
    let (status, body) = post(&app, "office", "/api/v1/plans/1/scoring", json!({ "text": broken })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("line"), "{body}");
    assert_eq!(post(&app, "town", "/api/v1/plans/1/scoring", json!({ "text": rule })).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, "office", "/api/v1/plans/1/scoring", json!({ "text": rule })).await.0, StatusCode::OK);
    assert_eq!(app.store.scoring_rule(PlanId(1)).await.unwrap(), rule);

    // A bonus, then the ranking: the office sees every unit, a unit its own.
    let bonus = json!({ "unit": "温泉镇", "item": "政策解读优秀案例" });
    assert_eq!(post(&app, "town", "/api/v1/plans/1/bonus", bonus.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, "office", "/api/v1/plans/1/bonus", bonus).await.0, StatusCode::OK);
    let (_, all) = get(&app, "office", "/api/v1/scores?year=2020").await;
    assert!(all.as_array().unwrap().len() > 10);
    let (_, own) = get(&app, "town", "/api/v1/scores?year=2020").await;
    let own = own.as_array().unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["unit"], TOWN);
    assert!(own[0]["explanation"].as_array().unwrap().iter().any(|l| l["item"] == "政策解读优秀案例"));
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let page = office.get(app.url("/scores?year=2020")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("2020 年考核") && page.contains("镇街") && page.contains("第1名"), "{page}");
}

/// Every page reachable from `/public` without signing in, with its body.
async fn crawl_public(app: &App) -> Vec<(String, String)> {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let (mut seen, mut queue, mut pages) = (Vec::new(), vec!["/public".to_string()], Vec::new());
    while let Some(path) = queue.pop() {
        if seen.contains(&path) {
            continue;
        }
        seen.push(path.clone());
        let response = client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        // The templates escape "/" in what they interpolate.
        let body = response.text().await.unwrap().replace("&#x2f;", "/");
        for link in body.split("href=\"").skip(1).filter_map(|rest| rest.split('"').next()) {
            let link = link.split('#').next().unwrap_or_default().replace("&amp;", "&");
            if link.starts_with("/public") && !seen.contains(&link) {
                queue.push(link);
            }
        }
        pages.push((path, body));
    }
    pages
}

async fn public_pages(app: App) {
    const INTERNAL: &str = "内部专用词甲乙丙";
    const SHAREABLE: &str = "可公开的办理情况";
    const ADDRESS: &str = "https://www.conghua.gov.cn/gkzl/2020/cjgk.html";
    let id = the_villages_report(&app).await;
    let multipart = |text: &str, url: &str, file: bool| {
        let mut form = Form::new().text("text", text.to_string()).text("published_url", url.to_string());
        if file {
            form = form.part("files", Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name(format!("{INTERNAL}.pdf")));
        }
        form
    };
    let submit = |form: Form| {
        reqwest::Client::new()
            .post(app.url(&format!("/api/v1/obligations/{id}/submissions")))
            .bearer_auth(app.token("town"))
            .multipart(form)
            .send()
    };
    let review = format!("/api/v1/obligations/{id}/review");
    assert_eq!(submit(multipart(&format!("{INTERNAL} 初稿"), "", true)).await.unwrap().status(), StatusCode::CREATED);
    post(&app, "civil", &review, json!({ "decision": "return", "reason": format!("{INTERNAL} 退回") })).await;
    let extension = json!({ "due": "2020-12-20", "reason": INTERNAL });
    assert_eq!(
        post(&app, "town", &format!("/api/v1/obligations/{id}/extensions"), extension).await.0,
        StatusCode::CREATED
    );
    assert_eq!(submit(multipart(SHAREABLE, ADDRESS, false)).await.unwrap().status(), StatusCode::CREATED);
    assert_eq!(post(&app, "civil", &review, json!({ "decision": "accept" })).await.1["status"], "accepted");

    let pages = crawl_public(&app).await;
    assert!(pages.len() >= 3, "{:?}", pages.iter().map(|p| &p.0).collect::<Vec<_>>());
    assert!(pages.iter().any(|(_, body)| body.contains(ADDRESS)), "the published address is shown");
    assert!(pages.iter().any(|(path, body)| path.ends_with(".ics") && body.contains("BEGIN:VEVENT")));
    for (path, body) in &pages {
        assert!(!body.contains(INTERNAL), "{path} shows internal text");
        assert!(!body.contains(SHAREABLE), "{path} shows a report no reviewer made public");
        assert!(!body.contains("civil") && !body.contains("town"), "{path} names people");
    }

    // The reviewer makes the report's text public; only that appears.
    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;
    let page = civil.get(app.url(&format!("/obligations/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("在公开页面显示报送内容"));
    let submission = app.store.submissions(id).await.unwrap()[0].id.to_string();
    let form = [("csrf", csrf_in(&page)), ("submission", submission), ("public", "1".into())];
    let done = civil.post(app.url(&format!("/obligations/{id}/public"))).form(&form).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let pages = crawl_public(&app).await;
    assert!(pages.iter().any(|(_, body)| body.contains(SHAREABLE)));
    assert!(pages.iter().all(|(_, body)| !body.contains(INTERNAL)));
    let (town, _) = sign_in(&app, "town", PASSWORD).await;
    let page = town.get(app.url(&format!("/obligations/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("在公开页面显示报送内容"), "the unit cannot publish its own report");
}

/// The office corrects a plan's 印发日期: the 台账 follows, a unit may not.
async fn start_date(app: App) {
    let due_before_september = |list: &Value| {
        list.as_array().unwrap().iter().filter(|o| o["due"].as_str().is_some_and(|d| d < "2020-09-01")).count()
    };
    let (_, all) = get(&app, "office", "/api/v1/obligations?limit=10000").await;
    assert!(due_before_september(&all) > 0, "the seed here starts on January 1");

    let change = json!({ "start": "2020-09-01" });
    assert_eq!(post(&app, "town", "/api/v1/plans/1", change.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, body) = post(&app, "office", "/api/v1/plans/1", change).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["start"], "2020-09-01");
    let (_, after) = get(&app, "office", "/api/v1/obligations?limit=10000").await;
    assert_eq!(due_before_september(&after), 0);
    assert!(after.as_array().unwrap().len() < all.as_array().unwrap().len());

    // The page shows the day in words and takes a correction back.
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let page = office.get(app.url("/tasks")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("2020年9月1日印发"), "the plan shows its start");
    let form = [
        ("csrf", csrf_in(&page)),
        ("start", "2020-01-01".into()),
        ("lead_days", "7、3、1".into()),
        ("escalate_after", "5".into()),
        ("notice_days", "5".into()),
    ];
    let done = office.post(app.url("/plans/1/settings")).form(&form).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let (_, back) = get(&app, "office", "/api/v1/obligations?limit=10000").await;
    assert_eq!(back.as_array().unwrap().len(), all.as_array().unwrap().len());
    let bad = [
        ("csrf", csrf_in(&page)),
        ("start", "2020-13-01".into()),
        ("lead_days", "7".into()),
        ("escalate_after", "5".into()),
        ("notice_days", "5".into()),
    ];
    let refused = office.post(app.url("/plans/1/settings")).form(&bad).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("印发日期"));
}

/// 督办 is the office's act: the rule drafts, the office issues (edited, or
/// a selection at once) or sets aside; only an issued notice is numbered
/// and reaches the unit; the office is never chased about its own work.
async fn notice_drafts(app: App) {
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let channels = gongkai_app::channels::Channels::new(None).unwrap();
    // The job first ran on September 1; on November 25 much work is five working days late.
    for as_of in ["2020-09-01", "2020-11-25"] {
        gongkai_app::remind::pass(&app.store, day(as_of), &channels, "测试").await.unwrap();
    }
    let (_, inbox) = get(&app, "town", "/api/v1/inbox").await;
    assert!(inbox.as_array().unwrap().iter().any(|m| m["kind"] == "催办"), "the rule still chases: {inbox}");
    assert!(inbox.as_array().unwrap().iter().all(|m| m["kind"] != "督办"), "no 督办 before the office: {inbox}");
    assert!(app.store.notices(None, None).await.unwrap().is_empty());

    assert_eq!(get(&app, "town", "/api/v1/notices/drafts").await.0, StatusCode::FORBIDDEN);
    let (status, drafts) = get(&app, "office", "/api/v1/notices/drafts").await;
    assert_eq!(status, StatusCode::OK);
    let drafts = drafts.as_array().unwrap().clone();
    assert!(drafts.len() >= 4, "{drafts:?}");
    assert!(
        drafts.iter().all(|d| !d["unit"].as_str().unwrap().contains("政务公开")),
        "the office drafts no 督办 to itself"
    );
    let office_work = app
        .store
        .obligations(&ObligationFilter {
            unit: Some("广州市从化区政务公开工作办公室".into()), ..Default::default()
        })
        .await
        .unwrap();
    assert!(!office_work.is_empty(), "the seed gives the office work of its own");
    let told: Vec<_> = office_work.iter().map(|o| o.id).collect();
    let office_inbox = app.store.inbox("广州市从化区政务公开工作办公室", 100).await.unwrap();
    assert!(
        office_inbox.iter().all(|m| m.obligation_id.is_none_or(|id| !told.contains(&id))),
        "the office chased itself"
    );

    // The 工作台 counts them.
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let board = office.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(board.contains(&format!("待发督办 {} 项", drafts.len())), "{board}");

    // One, edited: numbered, to the unit; a second click finds it taken.
    // 温泉镇's first, so that it can ask for an extension below; the others after it.
    let town = drafts.iter().position(|d| d["unit"] == TOWN).expect("温泉镇 has late work");
    let mut drafts = drafts;
    let town_draft = drafts.remove(town);
    drafts.insert(0, town_draft);
    let first = drafts[0]["id"].as_i64().unwrap();
    let edited = json!({ "new_due": "2020-12-18", "note": "请务必按期办结" });
    let path = format!("/api/v1/notices/drafts/{first}/issue");
    assert_eq!(post(&app, "town", &path, edited.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, notice) = post(&app, "office", &path, edited.clone()).await;
    assert_eq!(status, StatusCode::OK, "{notice}");
    assert_eq!((notice["number"].as_str(), notice["new_due"].as_str()), (Some("督办〔2020〕1号"), Some("2020-12-18")));
    let (status, again) = post(&app, "office", &path, edited).await;
    assert!(status == StatusCode::CONFLICT && again["error"].as_str().unwrap().contains("已被处理"), "{again}");
    let told = app.store.inbox(TOWN, 100).await.unwrap();
    assert!(told.iter().any(|m| m.message.contains("督办〔2020〕1号") && m.message.contains("2020-12-18")));

    // 一键督办 on the page: two selected, each with its proposed deadline.
    let page = office.get(app.url("/notices")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("一键督办"));
    let selected = [drafts[1]["id"].to_string(), drafts[2]["id"].to_string()];
    let form = [("csrf", csrf_in(&page)), ("draft", selected[0].clone()), ("draft", selected[1].clone())];
    let done = office.post(app.url("/notices/drafts/issue")).form(&form).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    let body = done.text().await.unwrap();
    assert!(body.contains("已发出 2 份督办通知") && body.contains("督办〔2020〕3号"), "{body}");
    assert_eq!(app.store.notices(None, None).await.unwrap().len(), 3);

    // Set aside: a reason is required.
    let dismiss = format!("/api/v1/notices/drafts/{}/dismiss", drafts[3]["id"]);
    assert_eq!(post(&app, "office", &dismiss, json!({ "note": " " })).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(post(&app, "office", &dismiss, json!({ "note": "已电话督促" })).await.0, StatusCode::OK);
    let (_, left) = get(&app, "office", "/api/v1/notices/drafts").await;
    assert_eq!(left.as_array().unwrap().len(), drafts.len() - 4);
    // The next pass drafts none of them again.
    gongkai_app::remind::pass(&app.store, day("2020-11-26"), &channels, "测试").await.unwrap();
    let (_, again) = get(&app, "office", "/api/v1/notices/drafts").await;
    let again: Vec<i64> = again.as_array().unwrap().iter().map(|d| d["id"].as_i64().unwrap()).collect();
    assert!(drafts[..4].iter().all(|d| !again.contains(&d["id"].as_i64().unwrap())));

    // An extension granted after the notice moves its deadline; the first stays beside it.
    let obligation = notice["obligation_id"].as_i64().unwrap();
    let ask = json!({ "due": "2020-12-31", "reason": "材料需上级审定" });
    let path = format!("/api/v1/obligations/{obligation}/extensions");
    assert_eq!(post(&app, "town", &path, ask).await.0, StatusCode::CREATED);
    // The office's 延期 list has it first, and its 工作台 counts it.
    assert_eq!(get(&app, "town", "/api/v1/extensions").await.0, StatusCode::FORBIDDEN);
    let (_, waiting) = get(&app, "office", "/api/v1/extensions").await;
    assert_eq!((waiting[0]["status"].as_str(), waiting[0]["unit"].as_str()), (Some("pending"), Some(TOWN)));
    let board = office.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(board.contains("延期申请待答复 1 项"), "{board}");
    let list = office.get(app.url("/extensions")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("待答复 1 项") && list.contains("材料需上级审定"), "{list}");
    let grant = json!({ "decision": "grant", "note": "同意" });
    assert_eq!(post(&app, "office", &format!("{path}/decision"), grant).await.0, StatusCode::OK);
    let (_, moved) = get(&app, "office", &format!("/api/v1/notices/{}", notice["id"])).await;
    assert_eq!((moved["new_due"].as_str(), moved["first_new_due"].as_str()), (Some("2020-12-31"), Some("2020-12-18")));
}

/// 一键催办: the office selects overdue rows; each unit is told once a day
/// per item, never about work not overdue or the office's own.
async fn urge(app: App) {
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let page = office.get(app.url(&format!("/my?light=red&unit={TOWN}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("一键催办"), "the office's list offers 一键催办");
    let own = app.store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2020, 11, 25).unwrap();
    let late: Vec<ObligationId> = own.iter().filter(|o| o.due.is_some_and(|d| d < today)).map(|o| o.id).collect();
    let not_late = own.iter().find(|o| o.due.is_some_and(|d| d > today)).unwrap().id.to_string();
    assert!(late.len() >= 2);
    let mut form = vec![("csrf".to_string(), csrf_in(&page))];
    form.extend(late.iter().take(2).map(|id| ("o".to_string(), id.to_string())));
    form.push(("o".into(), not_late.clone()));
    let done = office.post(app.url("/obligations/urge")).form(&form).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    let body = done.text().await.unwrap();
    assert!(body.contains("已向 1 个单位发出 2 条催办") && body.contains("尚未逾期"), "{body}");
    let told = app.store.inbox(TOWN, 10).await.unwrap();
    assert_eq!(told.iter().filter(|m| m.message.contains("公开办催办")).count(), 2);
    // Selected again the same day: nothing new.
    let (status, again) = post(&app, "office", "/api/v1/obligations/urge", json!({ "obligations": late[..2] })).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["chased"], 0);
    assert_eq!(
        post(&app, "town", "/api/v1/obligations/urge", json!({ "obligations": late[..1] })).await.0,
        StatusCode::FORBIDDEN
    );
    // The office's own overdue work is not chased.
    let office_unit = "广州市从化区政务公开工作办公室";
    let mine = app
        .store
        .obligations(&ObligationFilter { unit: Some(office_unit.into()), ..Default::default() })
        .await
        .unwrap();
    if let Some(o) = mine.iter().find(|o| o.due.is_some_and(|d| d < today)) {
        let (_, answer) = post(&app, "office", "/api/v1/obligations/urge", json!({ "obligations": [o.id] })).await;
        assert_eq!(answer["chased"], 0, "{answer}");
    }
}

/// What the framework refuses (an address that does not parse, a body of
/// the wrong shape) is said in Chinese, as a page or as JSON.
#[tokio::test]
async fn refusals_are_in_chinese() {
    let app = common::spawn_app(None).await;
    let (status, body) = get(&app, "office", "/api/v1/obligations/abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let said = body["error"].as_str().unwrap();
    assert!(said.contains("格式不对") && !said.chars().any(|c| c.is_ascii_alphabetic()), "{said}");
    let (status, body) = post(&app, "office", "/api/v1/plans/1", json!({ "start": "2020-13-01" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("“start”的值格式不对"), "{body}");
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let page = office.get(app.url("/obligations/abc")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    let text = page.text().await.unwrap();
    assert!(text.contains("格式不对") && !text.contains("Cannot parse"), "{text}");
}

/// The 报送 form keeps what was typed when something is wrong, and after a
/// return it starts from the report returned, its files kept with one tick.
async fn report_form(app: App) {
    let id = the_villages_report(&app).await;
    let (town, _) = sign_in(&app, "town", PASSWORD).await;
    let send = |fields: Vec<(&'static str, String)>, file: Option<(&'static str, Vec<u8>)>| {
        let town = town.clone();
        let url = app.url(&format!("/obligations/{id}/submit"));
        async move {
            let mut form = Form::new();
            for (name, value) in fields {
                form = form.text(name, value);
            }
            if let Some((name, bytes)) = file {
                form = form.part("files", Part::bytes(bytes).file_name(name));
            }
            town.post(url).multipart(form).send().await.unwrap()
        }
    };
    let page = town.get(app.url(&format!("/obligations/{id}"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let typed = "已完成全镇村（居）务公开督导，共 12 个村。";
    let bad = send(
        vec![("csrf", csrf.clone()), ("text", typed.into()), ("published_url", "www.example.gov.cn".into())],
        None,
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let again = bad.text().await.unwrap();
    assert!(again.contains("公开网址应以 http:") && again.contains(typed), "typed text kept: {again}");
    assert!(app.store.submissions(id).await.unwrap().is_empty(), "nothing stored");

    let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
    let fields = vec![("csrf", csrf.clone()), ("text", typed.into()), ("evidence_date", "2020-11-20".into())];
    assert_eq!(send(fields, Some(("督导记录.pdf", pdf))).await.status(), StatusCode::SEE_OTHER);
    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;
    let review = civil.get(app.url(&format!("/obligations/{id}"))).send().await.unwrap().text().await.unwrap();
    let form = [("csrf", csrf_in(&review)), ("decision", "return".into()), ("reason", "缺少公示栏照片".into())];
    let returned = civil.post(app.url(&format!("/obligations/{id}/review"))).form(&form).send().await.unwrap();
    assert_eq!(returned.status(), StatusCode::SEE_OTHER);

    // Returned: the reason leads the page; the form holds the report returned.
    let page = town.get(app.url(&format!("/obligations/{id}"))).send().await.unwrap().text().await.unwrap();
    // The file listed with its type and size, shown in the browser or downloaded.
    assert!(page.contains("督导记录.pdf</a>") && page.contains("（PDF，15 字节）"), "{page}");
    let file = app.store.submissions(id).await.unwrap()[0].attachments[0].id;
    let disposition = |view: &'static str| {
        let url = app.url(&format!("/files/{file}{view}"));
        let town = town.clone();
        async move { town.get(url).send().await.unwrap().headers()["content-disposition"].to_str().unwrap().to_string() }
    };
    assert!(disposition("?view=1").await.starts_with("inline;"));
    assert!(disposition("").await.starts_with("attachment;"));
    assert!(page.contains("已退回：缺少公示栏照片"), "{page}");
    assert!(
        page.contains(&format!(">{typed}</textarea>")) && page.contains("value=\"2020-11-20\""),
        "prefilled: {page}"
    );
    assert!(page.contains("保留上次报送的 1 个附件"));
    let fields =
        vec![("csrf", csrf_in(&page)), ("text", format!("{typed}补充照片见网址。")), ("keep_files", "1".into())];
    assert_eq!(send(fields, None).await.status(), StatusCode::SEE_OTHER);
    let reports = app.store.submissions(id).await.unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].attachments.len(), 1, "the file came along");
    assert_eq!(reports[0].attachments[0].sha256, reports[1].attachments[0].sha256);
}

/// 台账 search over task, unit, milestone and report text, and 导出 Excel
/// of exactly the rows the filters select (read back by LibreOffice).
async fn search_and_export(app: App) {
    let (status, all) = get(&app, "office", "/api/v1/obligations?limit=10000").await;
    assert_eq!(status, StatusCode::OK);
    let found = |list: &Value| list.as_array().unwrap().len();
    let (_, hits) = get(&app, "office", "/api/v1/obligations?limit=10000&q=村（居）务公开").await;
    assert!(found(&hits) > 0 && found(&hits) < found(&all), "{} of {}", found(&hits), found(&all));
    // Words are matched as typed: % is no wildcard.
    let (_, none) = get(&app, "office", "/api/v1/obligations?limit=10000&q=%25").await;
    assert_eq!(found(&none), 0);

    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let query = format!("unit={TOWN}&light=red");
    let page = office.get(app.url(&format!("/my?{query}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("单位台账：{TOWN}")), "the chosen unit in the heading");
    assert!(page.contains("/exports/ledger.xlsx?unit="), "the export carries the filters");
    let (_, rows) = get(&app, "office", &format!("/api/v1/obligations?limit=10000&{query}")).await;
    let expected = found(&rows);
    assert!(expected > 0);
    let xlsx = office.get(app.url(&format!("/exports/ledger.xlsx?{query}"))).send().await.unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("台账.xlsx");
    std::fs::write(&file, &bytes).unwrap();
    let soffice = std::process::Command::new("sh").args(["-c", "command -v soffice"]).output();
    if !soffice.is_ok_and(|o| o.status.success()) {
        assert!(std::env::var_os("GONGKAI_REQUIRE_DOCUMENT_TOOLS").is_none(), "soffice must be installed");
        return;
    }
    let converted = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir"])
        .arg(dir.path())
        .arg(&file)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(converted.status.success(), "{}", String::from_utf8_lossy(&converted.stderr));
    let csv = std::fs::read_to_string(dir.path().join("台账.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len() - 1, expected, "header plus exactly the filtered rows: {csv}");
    assert!(lines[1..].iter().all(|l| l.contains(TOWN) && l.contains("已逾期")), "{csv}");
}

/// The 考核 rule edited as a form: percents, points, bonus rows; what is
/// saved reads back as the rule's text.
async fn scoring_form(app: App) {
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let page = office.get(app.url("/plans/1/scoring")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("每逾期 1 天扣该项分值的（%）") && page.contains("value=\"10\""), "the form shows the rule");
    let mut form = vec![
        ("csrf", csrf_in(&page)),
        ("full_marks", "100".to_string()),
        ("late_percent", "5".into()),
        ("late_cap_percent", "40".into()),
        ("return_percent", "20".into()),
        ("bonus_name", "政策解读优秀案例".into()),
        ("bonus_points", "2".into()),
        ("bonus_name", "".into()),
        ("bonus_points", "".into()),
    ];
    let saved = office.post(app.url("/plans/1/scoring")).form(&form).send().await.unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let text = app.store.scoring_rule(PlanId(1)).await.unwrap();
    let rule = gongkai_domain::scoring::Rule::parse(&text).unwrap();
    assert_eq!((rule.late_deduction_per_day, rule.late_deduction_cap, rule.bonus.len()), (0.05, 0.4, 1));
    // A word where a number goes: the page again, with the reason.
    form[2].1 = "五".into();
    let refused = office.post(app.url("/plans/1/scoring")).form(&form).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("逾期每天扣分比例“五”应是数字"));
    assert_eq!(app.store.scoring_rule(PlanId(1)).await.unwrap(), text, "nothing changed");
}

/// A unit lands on its 待办: overdue, due soon, returned and — for its head —
/// reports to sign, counted as its lists count them, with a badge.
async fn landing_todo(app: App) {
    let count = |list: &Value| list.as_array().unwrap().len();
    let (_, red) = get(&app, "town", "/api/v1/obligations?light=red&limit=10000").await;
    let (_, yellow) = get(&app, "town", "/api/v1/obligations?light=yellow&limit=10000").await;
    let (town, _) = sign_in(&app, "town", PASSWORD).await;
    let page = town.get(app.url("/my")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("已逾期 {} 项", count(&red))), "{page}");
    assert!(page.contains(&format!("7 天内到期 {} 项", count(&yellow))));
    assert!(!page.contains("待签发"));
    // The menu's counts (site.js puts them beside 我的任务, 审核, 督办, 延期).
    let badges = |client: reqwest::Client| {
        let url = app.url("/badges");
        async move { client.get(url).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let mine = badges(town.clone()).await;
    assert_eq!(mine["my"], json!(count(&red) + count(&yellow)), "{mine}");
    assert_eq!((mine["review"].as_i64(), mine["extensions"].as_i64()), (Some(0), Some(0)));

    // With sign-off required, a report waits for the head.
    assert_eq!(post(&app, "office", "/api/v1/plans/1", json!({ "head_signoff": true })).await.0, StatusCode::OK);
    let id = the_villages_report(&app).await;
    assert_eq!(submit(&app, "town", id).await, StatusCode::CREATED);
    let (head, _) = sign_in(&app, "townhead", PASSWORD).await;
    let page = head.get(app.url("/my")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("待签发 1 项"), "{page}");
    assert_eq!(badges(head.clone()).await["review"], json!(1), "the head's 审核 badge");
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let board = badges(office).await;
    assert_eq!(board["review"], json!(0), "nothing signed yet: {board}");
    assert_eq!(board["notices"], json!(app.store.notice_draft_count().await.unwrap()));
    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;
    let sign = json!({ "decision": "signoff", "reason": "" });
    assert_eq!(post(&app, "townhead", &format!("/api/v1/obligations/{id}/review"), sign).await.0, StatusCode::OK);
    assert_eq!(badges(civil).await["review"], json!(1), "区民政局 reviews the village report");
}

/// 批量通过: the reviewer ticks reports and accepts them at once; one that
/// is no longer waiting is named, the rest go through.
async fn accept_in_a_batch(app: App) {
    let own = app.store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    let to_office: Vec<ObligationId> = own
        .iter()
        .filter(|o| o.recipient.as_deref().is_none_or(|r| r.contains("公开办")))
        .map(|o| o.id)
        .take(2)
        .collect();
    assert_eq!(to_office.len(), 2);
    for id in &to_office {
        assert_eq!(submit(&app, "town", *id).await, StatusCode::CREATED);
    }
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let page = office.get(app.url("/review")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("通过所选报送"));
    let mut form = vec![("csrf".to_string(), csrf_in(&page))];
    form.extend(to_office.iter().map(|id| ("o".to_string(), id.to_string())));
    let done = office.post(app.url("/review/accept")).form(&form).send().await.unwrap().text().await.unwrap();
    assert!(done.contains("已通过 2 份报送"), "{done}");
    for id in &to_office {
        let status = app.store.obligations(&ObligationFilter { id: Some(*id), ..Default::default() }).await.unwrap();
        assert_eq!(status[0].status.as_str(), "accepted");
    }
    // Again: nothing waits, each is named with the reason.
    let (status, again) = post(&app, "office", "/api/v1/reviews/accept", json!({ "obligations": to_office })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((again["accepted"].as_array().unwrap().len(), again["refused"].as_array().unwrap().len()), (0, 2));
    // A unit's handler reviews nothing.
    let (_, theirs) = post(&app, "town", "/api/v1/reviews/accept", json!({ "obligations": [own[5].id] })).await;
    assert_eq!(theirs["accepted"].as_array().unwrap().len(), 0, "{theirs}");
}

/// 自查报告 in the browser: the unit writes its parts (a refused save keeps
/// the text), the head signs the revision read (once), a later save needs a
/// new signature, and the signed report is filed on that year's
/// "纳入自查报告" obligations with the .docx attached. Other units never see it.
async fn self_inspection(app: App) {
    let (town, _) = sign_in(&app, "town", PASSWORD).await;
    let page = town.get(app.url("/self-inspection?year=2020")).send().await.unwrap().text().await.unwrap();
    for part in ["一、基本情况", "二、主要工作及成效", "三、存在的问题", "四、下一步工作打算", "尚未保存"]
    {
        assert!(page.contains(part), "{part} missing: {page}");
    }
    assert!(!page.contains("action=\"/self-inspection/sign\""), "nothing to sign before the first save");
    let csrf = csrf_in(&page);
    let form = |revision: i32, problems: &str, next: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("year", "2020".to_string()),
            ("revision", revision.to_string()),
            ("problems", problems.to_string()),
            ("next_steps", next.to_string()),
        ]
    };
    let refused =
        town.post(app.url("/self-inspection")).form(&form(0, "个别村公示栏更新不及时", "")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let again = refused.text().await.unwrap();
    assert!(again.contains("请填写“四、下一步工作打算”") && again.contains(">个别村公示栏更新不及时</textarea>"));
    assert_eq!(app.store.self_inspection_draft(TOWN, 2020).await.unwrap().revision, 0, "nothing stored");

    let next = "加强村（居）务公开督导，每季度检查一次公示栏。";
    let saved =
        town.post(app.url("/self-inspection")).form(&form(0, "个别村公示栏更新不及时", next)).send().await.unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stale = town.post(app.url("/self-inspection")).form(&form(0, "", "另一份")).send().await.unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT, "a save over an old revision is refused");
    let page = town.get(app.url("/self-inspection?year=2020")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(next) && page.contains("个别村公示栏更新不及时") && page.contains("待单位负责人签发"));
    let early = town.post(app.url("/self-inspection/submit")).form(&form(1, "", "")).send().await.unwrap();
    assert_eq!(early.status(), StatusCode::CONFLICT, "not before the head signs");
    let handler_signs = town.post(app.url("/self-inspection/sign")).form(&form(1, "", "")).send().await.unwrap();
    assert_eq!(handler_signs.status(), StatusCode::FORBIDDEN);

    let (head, _) = sign_in(&app, "townhead", PASSWORD).await;
    let page = head.get(app.url("/self-inspection?year=2020")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("action=\"/self-inspection/sign\""), "{page}");
    let sign = [("csrf", csrf_in(&page)), ("year", "2020".into()), ("revision", "1".into())];
    assert_eq!(
        head.post(app.url("/self-inspection/sign")).form(&sign).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        head.post(app.url("/self-inspection/sign")).form(&sign).send().await.unwrap().status(),
        StatusCode::CONFLICT
    );
    let draft = app.store.self_inspection_draft(TOWN, 2020).await.unwrap();
    assert_eq!((draft.revision, draft.signed_by.as_deref()), (1, Some("townhead")));

    // A later edit needs a new signature.
    assert_eq!(
        town.post(app.url("/self-inspection")).form(&form(1, "", next)).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert!(!app.store.self_inspection_draft(TOWN, 2020).await.unwrap().signed());
    let sign = [("csrf", csrf_in(&page)), ("year", "2020".into()), ("revision", "2".into())];
    assert_eq!(
        head.post(app.url("/self-inspection/sign")).form(&sign).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );

    let own = app.store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    let targets: Vec<_> = own
        .iter()
        .filter(|o| o.milestone.contains("自查报告") && o.due.is_none_or(|d| chrono::Datelike::year(&d) == 2020))
        .collect();
    assert!(!targets.is_empty(), "the seed asks for reports within the 自查报告");
    let filed = town.post(app.url("/self-inspection/submit")).form(&form(2, "", "")).send().await.unwrap();
    assert_eq!(filed.status(), StatusCode::SEE_OTHER);
    for o in &targets {
        let reports = app.store.submissions(o.id).await.unwrap();
        assert_eq!(reports.len(), 1, "filed once on {}", o.milestone);
        assert!(reports[0].text.contains("已纳入《温泉镇2020年政务公开工作自查报告》报送"), "{}", reports[0].text);
        assert_eq!(reports[0].attachments[0].file_name, "温泉镇2020年政务公开工作自查报告.docx");
    }
    let twice = town.post(app.url("/self-inspection/submit")).form(&form(2, "", "")).send().await.unwrap();
    assert_eq!(twice.status(), StatusCode::CONFLICT, "nothing left to file");

    // Another unit never sees it; the office reads it without the forms.
    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;
    let theirs = civil.get(app.url(&format!("/self-inspection?year=2020&unit={TOWN}"))).send().await.unwrap();
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let choose = office.get(app.url("/self-inspection")).send().await.unwrap().text().await.unwrap();
    assert!(choose.contains("温泉镇人民政府"), "the office chooses a unit");
    let read = office
        .get(app.url(&format!("/self-inspection?year=2020&unit={TOWN}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(read.contains(next) && read.contains("已签发") && !read.contains("name=\"next_steps\""));
    let signed = app.store.audit_entries(Some("townhead"), Some("self_inspection.sign"), 10).await.unwrap();
    assert_eq!(signed.len(), 2, "each signature is in the audit log");
}

/// Every long list pages with its count: 督办 drafts and notices, the
/// 审计日志 (filters kept on the next page), 延期, 审核 and the 台账.
async fn long_lists_page(app: App) {
    let channels = gongkai_app::channels::Channels::new(None).unwrap();
    // The scheduler's first day, then the test's: what fell due between is drafted.
    for day in [(2020, 9, 1), (2020, 11, 25)] {
        let day = chrono::NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap();
        gongkai_app::remind::pass(&app.store, day, &channels, "测试").await.unwrap();
    }
    let drafts = app.store.notice_draft_count().await.unwrap();
    assert!(drafts > 50, "enough drafts to page: {drafts}");
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let read = |path: String| {
        let office = office.clone();
        let url = app.url(&path);
        async move { office.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let ticked = |page: &str| -> Vec<String> {
        page.split("name=\"draft\" value=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
    };
    let first = read("/notices".into()).await;
    let pages = (drafts + 49) / 50;
    assert!(first.contains(&format!("待发督办（{drafts}）")));
    assert!(first.contains(&format!("第 1 / {pages} 页，共 {drafts} 条")), "{first}");
    let second = read("/notices?drafts=2".into()).await;
    let (one, two) = (ticked(&first), ticked(&second));
    assert_eq!(one.len(), 50);
    assert!(!two.is_empty() && two.iter().all(|id| !one.contains(id)), "the next page, not the same rows");

    let entries = app.store.audit_entries(None, None, 100_000).await.unwrap().len();
    let audit = read("/audit".into()).await;
    assert!(audit.contains(&format!("共 {entries} 条")), "{audit}");
    // Enough entries of one action to page, and the filter kept on the next page.
    for n in 0..55 {
        app.store.set_head_signoff(PlanId(1), n % 2 == 0, "office").await.unwrap();
    }
    let changed = app.store.audit_entries(None, Some("plan.signoff"), 1000).await.unwrap().len();
    let filtered = read("/audit?action=plan.signoff".into()).await;
    assert!(filtered.contains(&format!("共 {changed} 条")), "{filtered}");
    assert!(filtered.contains("audit?action=plan.signoff&amp;page=2"), "the filter kept: {filtered}");
    let next = read("/audit?action=plan.signoff&page=2".into()).await;
    assert!(next.contains("第 2 / 2 页") && next.matches("修改签发设置</td>").count() == changed - 50);

    let all = app.store.obligations(&ObligationFilter::default()).await.unwrap().len();
    assert!(read("/my".into()).await.contains(&format!("共 {all} 条")));
    let town =
        app.store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    assert!(read(format!("/my?unit={TOWN}")).await.contains(&format!("共 {} 条", town.len())));
    assert!(read("/review".into()).await.contains("待我审核（0）"));
    assert!(read("/extensions".into()).await.contains("共 0 项"));
}

/// The calendar marks 休 and 班 as the State Council moved them, and a
/// crowded day's "另 N 项" opens that day's list.
async fn calendar_marks(app: App) {
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let october = office.get(app.url("/calendar?month=2020-10")).send().await.unwrap().text().await.unwrap();
    // 1–8 October off (国庆节、中秋节), Saturday 10 October at work.
    assert_eq!(
        october.matches("td class=\" holiday\"").count() + october.matches("today holiday").count(),
        8,
        "{october}"
    );
    assert_eq!(october.matches(" workday\"").count(), 1);
    assert!(october.contains("国庆节、中秋节放假") && october.contains("国庆节、中秋节调休上班"));
    let september = office.get(app.url("/calendar?month=2020-09")).send().await.unwrap().text().await.unwrap();
    let day = "2020-09-20";
    let due = app
        .store
        .obligations(&ObligationFilter {
            due_from: chrono::NaiveDate::from_ymd_opt(2020, 9, 20),
            due_to: chrono::NaiveDate::from_ymd_opt(2020, 9, 20),
            ..Default::default()
        })
        .await
        .unwrap()
        .len();
    assert!(due > 4);
    assert!(september.contains(&format!("my?from={day}&amp;to={day}\">另 {} 项", due - 4)), "{september}");
    let list = office.get(app.url(&format!("/my?from={day}&to={day}"))).send().await.unwrap().text().await.unwrap();
    assert!(list.contains(&format!("共 {due} 条")));
}

/// The 台账 grouped by unit or by task (a heading per group, the 工作任务
/// under each task number), and its print view.
async fn ledger_groups_and_print(app: App) {
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let read = |path: String| {
        let office = office.clone();
        let url = app.url(&path);
        async move {
            let response = office.get(url).send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let (_, by_unit) = read("/my?group=unit".into()).await;
    let page: Vec<_> = app
        .store
        .obligations(&ObligationFilter { order: gongkai_store::Order::Unit, limit: Some(1000), ..Default::default() })
        .await
        .unwrap();
    let mut units: Vec<&str> = page.iter().map(|o| o.unit.as_str()).collect();
    units.dedup();
    assert_eq!(by_unit.matches("<tr class=\"group\">").count(), units.len());
    assert!(by_unit.contains(&format!("{}（本页 ", units[0])));
    let town =
        app.store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    let mut tasks: Vec<_> = town.iter().map(|o| o.task_id).collect();
    tasks.sort();
    tasks.dedup();
    let (_, by_task) = read(format!("/my?unit={TOWN}&group=task")).await;
    assert_eq!(by_task.matches("<tr class=\"group\">").count(), tasks.len(), "one heading per task, each once");
    let task = app.store.tasks().await.unwrap().into_iter().find(|t| t.id == town[0].task_id).unwrap();
    assert!(by_task.contains(&format!("任务 {}：{}", task.seq, task.task)));
    assert!(by_task.contains("group=task"), "sorting keeps the grouping");
    // The unit filter takes what a clerk types: the short name finds the unit.
    let (_, short) = read("/my?unit=%E6%B8%A9%E6%B3%89%E9%95%87".into()).await;
    assert!(
        short.contains(&format!("单位台账：{TOWN}")) && short.contains(&format!("共 {} 条", town.len())),
        "{short}"
    );
    let (status, bad) = read("/my?group=x".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(bad.contains("分组“x”无效"));
    let (_, print) = read(format!("/my?unit={TOWN}&print=1")).await;
    assert!(print.contains("<body class=\"print\">") && print.contains("打印时间"), "{print}");
    assert!(!print.contains("一键催办（所选逾期事项）"), "no forms on paper");
}

/// A list of another layout in the 导入 preview: its columns' roles shown
/// and changed, the units the directory lacks created or matched there, a
/// confirmation refused while any is left (nothing stored), and the roles
/// remembered for the next list with the same header.
async fn import_other_layouts(app: App) {
    let file =
        std::fs::read(format!("{}/../gongkai-io/tests/lists/jiangmen-tdcb-zwgk/list.docx", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    let (status, first) = import(&app, "office", Some(("土地储备中心.docx", file.clone())), &[("year", "2021")]).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let roles: Vec<&str> =
        first["understanding"]["mapping"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["category", "task", "responsible"]);
    assert_eq!(first["understanding"]["tasks"].as_array().unwrap().len(), 10);
    let unknown: Vec<String> = first["understanding"]["unknown_units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect();
    assert!(unknown.contains(&"财务科".to_string()), "{unknown:?}");
    let sha = first["sha256"].as_str().unwrap().to_string();
    let plans = app.store.plans().await.unwrap().len();

    // Confirming with units left unknown stores nothing.
    let fields = [("sha256", sha.as_str()), ("file_name", "土地储备中心.docx"), ("year", "2021"), ("commit", "1")];
    let (_, refused) = import(&app, "office", None, &fields).await;
    assert!(refused["saved"].is_null());
    assert_eq!(app.store.plans().await.unwrap().len(), plans);

    // The office reads 工作任务 as the task, 具体要求 not at all, and creates the units.
    let choices: Vec<String> = unknown.iter().map(|u| format!("{u}|create:department")).collect();
    let mut fields: Vec<(&str, &str)> = fields.to_vec();
    fields.extend([("col", "task=工作任务"), ("col", "ignore=具体要求"), ("col", "responsible=责任部门")]);
    fields.extend(choices.iter().map(|c| ("unit", c.as_str())));
    let (status, saved) = import(&app, "office", None, &fields).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert!(!saved["saved"].is_null(), "{}", saved["understanding"]["problems"]);
    assert_eq!(saved["understanding"]["tasks"].as_array().unwrap().len(), 5, "one task per 工作任务");
    let directory = app.store.directory().await.unwrap();
    assert!(directory.find("财务科").is_some_and(|u| u.inferred), "created, marked for checking");

    // The same layout again: the office's roles are used.
    let (_, again) = import(&app, "office", Some(("土地储备中心.docx", file)), &[("year", "2021")]).await;
    assert_eq!(again["remembered"], true);
    assert_eq!(again["understanding"]["tasks"].as_array().unwrap().len(), 5);
    assert!(!app.store.audit_entries(None, Some("import.mapping"), 5).await.unwrap().is_empty());

    // The page shows the roles to change and the units to settle.
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let page = office.get(app.url("/import")).send().await.unwrap().text().await.unwrap();
    let other = std::fs::read(format!(
        "{}/../gongkai-io/tests/lists/guangdong-wjw-2021-zwgk/list.docx",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let form = Form::new()
        .text("csrf", csrf_in(&page))
        .text("year", "2021")
        .part("file", Part::bytes(other).file_name("卫健委.docx"));
    let preview = office.post(app.url("/import")).multipart(form).send().await.unwrap().text().await.unwrap();
    assert!(preview.contains("name=\"col\"") && preview.contains("细化分工"), "{preview}");
    assert!(preview.contains("单位目录中没有的单位") && preview.contains("新建为"), "{preview}");
}

/// A list naming lead and supporting units: the lead reports (its
/// obligation), the supporting unit sees the task in 我的任务 as 配合 and
/// has nothing to report; the task page names both.
async fn supporting_units(app: App) {
    let list = "序号\t工作任务\t牵头单位\t配合单位\t完成时限\n1\t编制社会救助领域公开事项目录\t区发改局\t区民政局\t12月20日前\n";
    let fields = [("year", "2020"), ("title", "牵头配合测试"), ("commit", "1")];
    let (status, outcome) = import(&app, "office", Some(("分工.txt", list.as_bytes().to_vec())), &fields).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert!(!outcome["saved"].is_null(), "{}", outcome["understanding"]["problems"]);
    let task = app.store.tasks().await.unwrap().into_iter().find(|t| t.task == "编制社会救助领域公开事项目录").unwrap();
    assert_eq!(task.lead_units, ["广州市从化区发展和改革局"]);
    assert_eq!(task.support_units, [CIVIL]);
    let of = |unit: &str| {
        let filter = ObligationFilter { unit: Some(unit.into()), task_id: Some(task.id), ..Default::default() };
        let store = app.store.clone();
        async move { store.obligations(&filter).await.unwrap().len() }
    };
    assert_eq!(of("广州市从化区发展和改革局").await, 1, "the lead reports");
    assert_eq!(of(CIVIL).await, 0, "the supporting unit does not");
    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;
    let mine = civil.get(app.url("/my")).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("本单位配合的任务（1 项") && mine.contains("编制社会救助领域公开事项目录"), "{mine}");
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let page = office.get(app.url(&format!("/tasks/{}", task.id))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("配合单位") && page.contains(CIVIL), "{page}");
    let ledger =
        office.get(app.url("/my?q=%E7%A4%BE%E4%BC%9A%E6%95%91%E5%8A%A9")).send().await.unwrap().text().await.unwrap();
    assert!(ledger.contains(&format!("配合：{CIVIL}")), "the 台账 names the supporting unit");
    let export =
        office.get(app.url("/exports/ledger.xlsx?q=%E7%A4%BE%E4%BC%9A%E6%95%91%E5%8A%A9")).send().await.unwrap();
    let bytes = export.bytes().await.unwrap();
    let mut workbook = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut strings = String::new();
    std::io::Read::read_to_string(&mut workbook.by_name("xl/sharedStrings.xml").unwrap(), &mut strings).unwrap();
    assert!(strings.contains("配合单位") && strings.contains(CIVIL), "the export names it too");

    // Told before the due date like the lead; never chased after it.
    let channels = gongkai_app::channels::Channels::new(None).unwrap();
    for day in [(2020, 12, 17), (2020, 12, 30)] {
        let day = chrono::NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap();
        gongkai_app::remind::pass(&app.store, day, &channels, "测试").await.unwrap();
    }
    let told = app.store.inbox(CIVIL, 50).await.unwrap();
    let support: Vec<_> = told.iter().filter(|m| m.subject_kind == "support").collect();
    assert_eq!(support.len(), 1, "{told:?}");
    assert!(support[0].message.starts_with("【配合提醒】") && support[0].message.contains("还有 3 天"));
    assert!(support[0].obligation_id.is_none(), "the lead's obligation is not the supporting unit's");
    let mine = civil.get(app.url("/my")).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("【配合提醒】"), "in its inbox");
}

on_both_backends! {
    supporting_units => supporting_units_on_sqlite, supporting_units_on_postgres;
    import_other_layouts => import_other_layouts_on_sqlite, import_other_layouts_on_postgres;
    ledger_groups_and_print => ledger_groups_and_print_on_sqlite, ledger_groups_and_print_on_postgres;
    calendar_marks => calendar_marks_on_sqlite, calendar_marks_on_postgres;
    long_lists_page => long_lists_page_on_sqlite, long_lists_page_on_postgres;
    self_inspection => self_inspection_on_sqlite, self_inspection_on_postgres;
    accept_in_a_batch => accept_in_a_batch_on_sqlite, accept_in_a_batch_on_postgres;
    landing_todo => landing_todo_on_sqlite, landing_todo_on_postgres;
    scoring_form => scoring_form_on_sqlite, scoring_form_on_postgres;
    search_and_export => search_and_export_on_sqlite, search_and_export_on_postgres;
    report_form => report_form_on_sqlite, report_form_on_postgres;
    urge => urge_on_sqlite, urge_on_postgres;
    notice_drafts => notice_drafts_on_sqlite, notice_drafts_on_postgres;
    start_date => start_date_on_sqlite, start_date_on_postgres;
    public_pages => public_pages_on_sqlite, public_pages_on_postgres;
    assessment_on_the_web => assessment_on_the_web_on_sqlite, assessment_on_the_web_on_postgres;
    notices_and_extensions => notices_and_extensions_on_sqlite, notices_and_extensions_on_postgres;
    feeds_and_audit_search => feeds_and_audit_search_on_sqlite, feeds_and_audit_search_on_postgres;
    head_sign_off => head_sign_off_on_sqlite, head_sign_off_on_postgres;
    import_with_preview => import_with_preview_on_sqlite, import_with_preview_on_postgres;
    directory_and_groups => directory_and_groups_on_sqlite, directory_and_groups_on_postgres;
    ledger_filters => ledger_filters_on_sqlite, ledger_filters_on_postgres;
}
