//! The web side as a browser and a script meet it: a real server on a free
//! port, a real database (SQLite, and PostgreSQL when `GONGKAI_TEST_PG_URL`
//! is set), real HTTP.

#[macro_use]
mod common;

use common::{App, CIVIL, PASSWORD, TOWN, browser, csrf_in, sign_in};
use gongkai_store::{ObligationFilter, ObligationId};
use reqwest::StatusCode;
use serde_json::Value;

async fn get_json(client: &reqwest::Client, url: String, token: &str) -> Vec<Value> {
    client.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap()
}

async fn story(app: App) {
    // Signing in: a wrong password is refused with a message; the right one lands.
    let (_, wrong) = sign_in(&app, "town", "不对的密码").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.text().await.unwrap().contains("账号或密码不正确"));
    let (town, ok) = sign_in(&app, "town", PASSWORD).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let cookie = ok.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    // A handler goes to 我的任务 and sees only the town's work.
    let home = town.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.headers()["location"], "/my");
    let my = town.get(app.url("/my")).send().await.unwrap();
    assert!(my.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
    let my = my.text().await.unwrap();
    assert!(my.contains("我的任务") && my.contains("各镇（街）11月30日前报区民政局汇总"));
    assert!(!my.contains(CIVIL) && !my.contains("制定印发本区村（居）务公开制度"));

    // Every API route, as every role and as a stranger: refusals are 401/404,
    // and lists leak nothing of another unit.
    let all = app.store.obligations(&ObligationFilter::default()).await.unwrap();
    let own = all.iter().find(|o| o.unit == TOWN).unwrap();
    let other = all.iter().find(|o| o.unit == CIVIL).unwrap();
    let api = reqwest::Client::new();
    for (login, _) in app.tokens.iter().filter(|(login, _)| login != "fresh") {
        let token = app.token(login);
        let list = get_json(&api, app.url("/api/v1/obligations"), token).await;
        let one_other =
            api.get(app.url(&format!("/api/v1/obligations/{}", other.id))).bearer_auth(token).send().await.unwrap();
        let asked_other = get_json(&api, app.url(&format!("/api/v1/obligations?unit={CIVIL}")), token).await;
        match login.as_str() {
            "town" | "townhead" => {
                assert!(list.iter().all(|o| o["unit"] == TOWN), "{login} sees another unit");
                assert_eq!(list.len(), all.iter().filter(|o| o.unit == TOWN).count());
                assert_eq!(one_other.status(), StatusCode::NOT_FOUND, "{login}");
                assert!(asked_other.is_empty(), "{login}");
            }
            "civil" => {
                assert!(list.iter().all(|o| o["unit"] == CIVIL));
                assert_eq!(one_other.status(), StatusCode::OK);
            }
            _ => {
                assert_eq!(list.len(), all.len(), "{login} sees the region");
                assert_eq!(one_other.status(), StatusCode::OK);
            }
        }
    }
    let limited = get_json(&api, app.url("/api/v1/obligations?limit=3"), app.token("office")).await;
    assert_eq!(limited.len(), 3);
    for path in ["/api/v1/obligations".to_string(), format!("/api/v1/obligations/{}", own.id), "/api/v1/me".into()] {
        assert_eq!(api.get(app.url(&path)).send().await.unwrap().status(), StatusCode::UNAUTHORIZED, "{path}");
        let forged = api.get(app.url(&path)).bearer_auth("0".repeat(64)).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let stranger = browser();
    for path in ["/".to_string(), "/my".into(), format!("/obligations/{}", own.id)] {
        let response = stranger.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()["location"], "/login", "{path}");
    }
    let page_other = town.get(app.url(&format!("/obligations/{}", other.id))).send().await.unwrap();
    assert_eq!(page_other.status(), StatusCode::NOT_FOUND);
    let page_own = town.get(app.url(&format!("/obligations/{}", own.id))).send().await.unwrap();
    assert_eq!(page_own.status(), StatusCode::OK);

    // The office's 工作台 shows every unit with its traffic light.
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let board = office.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(board.contains("工作台") && board.contains(TOWN) && board.contains(CIVIL), "{board}");
    assert!(board.contains("light red"), "towns are overdue on 2020-11-25");

    // A form without the session's CSRF token changes nothing.
    let forged = town.post(app.url("/logout")).form(&[("csrf", "0".repeat(64))]).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(town.get(app.url("/my")).send().await.unwrap().status(), StatusCode::OK);
    let page = town.get(app.url("/my")).send().await.unwrap().text().await.unwrap();
    let logout = town.post(app.url("/logout")).form(&[("csrf", csrf_in(&page))]).send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    assert_eq!(town.get(app.url("/my")).send().await.unwrap().status(), StatusCode::SEE_OTHER);

    // Repeated wrong passwords lock the login, even against the right one.
    for _ in 0..5 {
        sign_in(&app, "civil", "错的").await;
    }
    let (_, locked) = sign_in(&app, "civil", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::UNAUTHORIZED);
    assert!(locked.text().await.unwrap().contains("错误次数过多"));

    // Sign-ins, good and bad, are in the audit log, and the chain holds.
    let failed = app.store.audit_entries(Some("civil"), Some("login.failed"), 100).await.unwrap();
    assert_eq!(failed.len(), 6);
    assert!(app.store.verify_audit(&[]).await.unwrap().is_ok());

    // A password someone else set must be replaced first.
    let (fresh, _) = sign_in(&app, "fresh", PASSWORD).await;
    let first = fresh.get(app.url("/my")).send().await.unwrap();
    assert_eq!(first.headers()["location"], "/password");
    let page = fresh.get(app.url("/password")).send().await.unwrap().text().await.unwrap();
    let change = |current: &str, new: &str| {
        [
            ("csrf", csrf_in(&page)),
            ("current", current.to_string()),
            ("new", new.to_string()),
            ("again", new.to_string()),
        ]
    };
    // The API refuses the account too until then.
    let me = |client: &reqwest::Client| client.get(app.url("/api/v1/me")).bearer_auth(app.token("fresh")).send();
    let refused = me(&reqwest::Client::new()).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.unwrap().contains("修改初始密码"));
    let wrong = fresh.post(app.url("/password")).form(&change("猜的", "新的密码-2020年春天到了")).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(wrong.text().await.unwrap().contains("当前密码不正确"));
    let done =
        fresh.post(app.url("/password")).form(&change(PASSWORD, "新的密码-2020年春天到了")).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(fresh.get(app.url("/my")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(sign_in(&app, "fresh", "新的密码-2020年春天到了").await.1.status(), StatusCode::SEE_OTHER);
    assert_eq!(me(&reqwest::Client::new()).await.unwrap().status(), StatusCode::OK);

    // 任务清单 beside its understanding; the audit log for the office only.
    let list = office.get(app.url("/tasks")).send().await.unwrap().text().await.unwrap();
    assert!(
        list.contains("组织开展村（居）务公开全覆盖现场督导")
            && list.contains("每年12月25日前")
            && list.contains("报区民政局")
    );
    let detail = office.get(app.url("/tasks/12")).send().await.unwrap().text().await.unwrap();
    assert!(detail.contains(TOWN) && detail.contains("广州市从化区良口镇人民政府"));
    let (town_again, _) = sign_in(&app, "town", PASSWORD).await;
    let own_detail = town_again.get(app.url("/tasks/12")).send().await.unwrap().text().await.unwrap();
    assert!(own_detail.contains(TOWN) && !own_detail.contains("广州市从化区良口镇人民政府"));
    assert_eq!(town_again.get(app.url("/audit")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let log = office.get(app.url("/audit?action=login.failed")).send().await.unwrap().text().await.unwrap();
    // Actions in words; the filter keeps only failed sign-ins.
    assert!(log.contains("哈希链完好") && log.contains("<td>登录失败</td>") && !log.contains("<td>新建账号</td>"));

    // 日历: the month on a page, and a unit's ICS feed at a secret address.
    let month = town_again.get(app.url("/calendar?month=2020-11")).send().await.unwrap().text().await.unwrap();
    assert!(month.contains("2020年11月") && month.contains("任务12"));
    let page = town_again.get(app.url("/calendar")).send().await.unwrap().text().await.unwrap();
    let made = town_again.post(app.url("/calendar/feed")).form(&[("csrf", csrf_in(&page))]).send().await.unwrap();
    let made = made.text().await.unwrap();
    let at = made.find("/feeds/").unwrap_or_else(|| panic!("no feed address: {made}"));
    let feed_path = &made[at..at + 7 + 64 + 4];
    let ics = reqwest::get(app.url(feed_path)).await.unwrap();
    assert_eq!(ics.headers()["content-type"], "text/calendar; charset=utf-8");
    let ics = ics.text().await.unwrap();
    assert!(ics.contains("BEGIN:VEVENT") && ics.contains("DTSTART;VALUE=DATE:20201130"), "{ics}");
    assert!(!ics.contains("制定印发本区村"));
    assert_eq!(
        reqwest::get(app.url(&format!("/feeds/{}.ics", "0".repeat(64)))).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let office_page = office.get(app.url("/calendar")).send().await.unwrap().text().await.unwrap();
    assert!(!office_page.contains("/calendar/feed"));

    // The API describes itself.
    let spec: Value = api.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(spec["paths"]["/api/v1/obligations/{id}"]["get"].is_object());
}

/// Posts a report form as the page does; `files` are (name, bytes).
async fn report(
    client: &reqwest::Client,
    app: &App,
    id: ObligationId,
    text: &str,
    files: Vec<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let page = client.get(app.url(&format!("/obligations/{id}"))).send().await.unwrap().text().await.unwrap();
    let mut form = reqwest::multipart::Form::new()
        .text("csrf", csrf_in(&page))
        .text("text", text.to_string())
        .text("published_url", "https://www.conghua.gov.cn/zwgk/cjgk/2020.html")
        .text("evidence_date", "2020-11-20");
    for (name, bytes) in files {
        form = form.part("files", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    }
    client.post(app.url(&format!("/obligations/{id}/submit"))).multipart(form).send().await.unwrap()
}

async fn decide(
    client: &reqwest::Client,
    app: &App,
    id: ObligationId,
    decision: &str,
    reason: &str,
) -> reqwest::Response {
    let page = client.get(app.url(&format!("/obligations/{id}"))).send().await.unwrap().text().await.unwrap();
    let form = [("csrf", csrf_in(&page)), ("decision", decision.to_string()), ("reason", reason.to_string())];
    client.post(app.url(&format!("/obligations/{id}/review"))).form(&form).send().await.unwrap()
}

async fn status_of(app: &App, id: ObligationId) -> String {
    let filter = ObligationFilter { id: Some(id), ..Default::default() };
    app.store.obligations(&filter).await.unwrap().remove(0).status.to_string()
}

/// The loop the issue asks for: a town reports its 村居 report with a PDF to
/// 区民政局, which returns it with a reason; the town reports again; 区民政局
/// accepts; the office sees it done.
async fn report_loop(app: App) {
    let all = app.store.obligations(&ObligationFilter::default()).await.unwrap();
    let village = all
        .iter()
        .find(|o| o.unit == TOWN && o.due == chrono::NaiveDate::from_ymd_opt(2020, 11, 30))
        .expect("温泉镇 holds the 2020-11-30 村居 report");
    assert_eq!(village.recipient.as_deref(), Some("区民政局"));
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();

    let (town, _) = sign_in(&app, "town", PASSWORD).await;
    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;

    // Bad files are refused with a message and nothing is stored.
    let big = vec![b'%'; 60 * 1024 * 1024];
    for (name, bytes, expect) in [
        ("村居公开情况.pdf", big, "50 MB"),
        ("村居公开情况.pdf", b"MZ\x90\x00 not a pdf".to_vec(), "改过扩展名"),
        ("../../etc/passwd.pdf", pdf.clone(), "不可用"),
    ] {
        let response = report(&town, &app, village.id, "说明", vec![(name, bytes)]).await;
        assert!(response.status().is_client_error(), "{name}: {}", response.status());
        let body = response.text().await.unwrap();
        assert!(body.contains(expect), "{name}: {body}");
    }
    assert_eq!(status_of(&app, village.id).await, "pending");
    assert!(app.store.submissions(village.id).await.unwrap().is_empty());
    assert!(
        !app.dir.path().join("files").exists()
            || std::fs::read_dir(app.dir.path().join("files")).unwrap().next().is_none()
    );

    // Another unit can neither report for the town nor review it.
    let refused = report(&civil, &app, village.id, "冒名报送", vec![]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // Report → return with a reason → report again → accept.
    let sent = report(
        &town,
        &app,
        village.id,
        "已完成全镇村（居）务公开督导，附督导报告。",
        vec![("督导报告.pdf", pdf.clone())],
    )
    .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, village.id).await, "submitted");
    let queue = civil.get(app.url("/review")).send().await.unwrap().text().await.unwrap();
    assert!(queue.contains(&format!("/obligations/{}", village.id)), "区民政局's queue lacks the report");
    assert_eq!(
        decide(&town, &app, village.id, "accept", "").await.status(),
        StatusCode::FORBIDDEN,
        "a unit reviews itself"
    );
    let no_reason = decide(&civil, &app, village.id, "return", " ").await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        decide(&civil, &app, village.id, "return", "缺少各村（居）公示栏照片").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&app, village.id).await, "returned");
    let page = town.get(app.url(&format!("/obligations/{}", village.id))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("缺少各村（居）公示栏照片") && page.contains("重新报送"));
    let again = report(&town, &app, village.id, "补充公示栏照片。", vec![("公示栏.pdf", pdf.clone())]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(decide(&civil, &app, village.id, "accept", "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, village.id).await, "accepted");

    // Files go to whoever may see the obligation, and to nobody else.
    let history = app.store.submissions(village.id).await.unwrap();
    assert_eq!(history.len(), 2);
    let file = &history[1].attachments[0];
    let download = civil.get(app.url(&format!("/files/{}", file.id))).send().await.unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let other_town = browser();
    let (other, _) = sign_in(&app, "office", PASSWORD).await;
    assert_eq!(other.get(app.url(&format!("/files/{}", file.id))).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        other_town.get(app.url(&format!("/files/{}", file.id))).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );

    // The office's 工作台 counts it done; every step is in the audit log.
    let board = other.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(board.contains("已通过"));
    let steps: Vec<String> =
        app.store.audit_entries(None, None, 200).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(steps.iter().filter(|a| *a == "obligation.submit").count(), 2);
    assert_eq!(steps.iter().filter(|a| *a == "obligation.review").count(), 2);
    assert!(app.store.verify_audit(&[]).await.unwrap().is_ok());
}

/// The same loop through the JSON API with bearer tokens.
async fn api_loop(app: App) {
    let all = app.store.obligations(&ObligationFilter::default()).await.unwrap();
    let village =
        all.iter().find(|o| o.unit == TOWN && o.due == chrono::NaiveDate::from_ymd_opt(2020, 11, 30)).unwrap().id;
    let api = reqwest::Client::new();
    let url = |tail: &str| app.url(&format!("/api/v1/obligations/{village}{tail}"));
    let pdf = b"%PDF-1.4 api".to_vec();
    let form = |text: &str| {
        reqwest::multipart::Form::new()
            .text("text", text.to_string())
            .part("files", reqwest::multipart::Part::bytes(pdf.clone()).file_name("督导报告.pdf"))
    };

    // A page's session cannot post; another unit cannot report for the town.
    let (town_page, _) = sign_in(&app, "town", PASSWORD).await;
    let by_cookie = town_page.post(url("/submissions")).multipart(form("x")).send().await.unwrap();
    assert_eq!(by_cookie.status(), StatusCode::UNAUTHORIZED);
    let by_other =
        api.post(url("/submissions")).bearer_auth(app.token("civil")).multipart(form("x")).send().await.unwrap();
    assert_eq!(by_other.status(), StatusCode::FORBIDDEN);

    let sent = api
        .post(url("/submissions"))
        .bearer_auth(app.token("town"))
        .multipart(form("已完成督导"))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::CREATED);
    let twice =
        api.post(url("/submissions")).bearer_auth(app.token("town")).multipart(form("再报")).send().await.unwrap();
    assert_eq!(twice.status(), StatusCode::CONFLICT, "a report waits: a second one conflicts with it");
    let history: Vec<Value> =
        api.get(url("/submissions")).bearer_auth(app.token("civil")).send().await.unwrap().json().await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["attachments"][0]["file_name"], "督导报告.pdf");
    let hidden = api
        .get(app.url(&format!("/api/v1/obligations/{}/submissions", all.iter().find(|o| o.unit == CIVIL).unwrap().id)));
    assert_eq!(hidden.bearer_auth(app.token("town")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    let review = |login: &str, decision: &str, reason: &str| {
        api.post(url("/review"))
            .bearer_auth(app.token(login))
            .json(&serde_json::json!({"decision": decision, "reason": reason}))
            .send()
    };
    assert_eq!(review("town", "accept", "").await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(review("civil", "return", "").await.unwrap().status(), StatusCode::BAD_REQUEST);
    assert_eq!(review("civil", "return", "缺照片").await.unwrap().status(), StatusCode::OK);
    let again = api
        .post(url("/submissions"))
        .bearer_auth(app.token("townhead"))
        .multipart(form("补充照片"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(review("office", "accept", "").await.unwrap().status(), StatusCode::OK);
    let done: Value = api.get(url("")).bearer_auth(app.token("town")).send().await.unwrap().json().await.unwrap();
    assert_eq!(done["status"], "accepted");
}

/// The dashboard, the public progress page and the unit list are kept in
/// memory between changes; a change made through another connection (as by
/// a second server process or the CLI) shows on the next request.
async fn cached_pages_follow_changes_made_elsewhere(app: App) {
    let api = reqwest::Client::new();
    let dashboard = || async {
        let board: Value = api
            .get(app.url("/api/v1/dashboard"))
            .bearer_auth(app.token("office"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (board["totals"]["done"].as_u64().unwrap(), board["totals"]["awaiting_review"].as_u64().unwrap())
    };
    let public = || async { api.get(app.url("/public/plans/1")).send().await.unwrap().text().await.unwrap() };
    let (done, waiting) = dashboard().await;
    let before = public().await;
    assert_eq!(dashboard().await, (done, waiting), "read twice, the same");

    let elsewhere = gongkai_store::Store::connect(&app.db_url, &common::key()).await.unwrap();
    let own = elsewhere.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    let author = elsewhere.user_by_login("town").await.unwrap().unwrap().id;
    let reviewer = elsewhere.user_by_login("office").await.unwrap().unwrap().id;
    let report = |id: ObligationId| gongkai_store::NewSubmission {
        obligation_id: id,
        author_id: author,
        text: "另一进程报送".into(),
        published_url: Some("https://www.conghua.gov.cn/zwgk/another-process".into()),
        evidence_date: None,
        submitted_on: chrono::NaiveDate::from_ymd_opt(2020, 11, 25).unwrap(),
        files: Vec::new(),
    };
    elsewhere.submit(&report(own[0].id), "town").await.unwrap();
    assert_eq!(dashboard().await, (done, waiting + 1), "a report waits");
    elsewhere.review(own[0].id, reviewer, gongkai_store::Decision::Accept, "", "office").await.unwrap();
    assert_eq!(dashboard().await, (done + 1, waiting), "accepted");
    let after = public().await;
    assert_ne!(before, after);
    assert!(after.contains("another-process"), "the published address is on the public page");

    // A unit renamed elsewhere is listed under its new name in the 台账's
    // unit choice (a filter that matches no row: only the choice names units).
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let ledger = || async { office.get(app.url("/my?status=signed")).send().await.unwrap().text().await.unwrap() };
    assert!(ledger().await.contains(TOWN));
    assert!(!ledger().await.contains("温泉镇（新名）"));
    let mut unit = elsewhere.directory().await.unwrap().find(TOWN).unwrap().clone();
    unit.name = "温泉镇（新名）".into();
    elsewhere.save_unit(Some(TOWN), &unit, "office").await.unwrap();
    assert!(ledger().await.contains("温泉镇（新名）"));
}

/// The API's list comes in pages: `limit` (default and most allowed are
/// stated in the answer to a wrong one) and `offset`.
async fn the_list_comes_in_pages(app: App) {
    let api = reqwest::Client::new();
    let token = app.token("office");
    let all = get_json(&api, app.url("/api/v1/obligations"), token).await;
    let stored = app.store.obligations(&ObligationFilter::default()).await.unwrap();
    assert_eq!(all.len(), stored.len(), "the seed fits in one default page");
    let page = get_json(&api, app.url("/api/v1/obligations?limit=10&offset=10"), token).await;
    let ids = |rows: &[Value]| rows.iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids(&page), ids(&all[10..20]));
    let red = get_json(&api, app.url("/api/v1/obligations?light=red&limit=5"), token).await;
    let all_red = get_json(&api, app.url("/api/v1/obligations?light=red"), token).await;
    assert_eq!(ids(&red), ids(&all_red[..5.min(all_red.len())]));
    for wrong in ["limit=20000", "limit=-1", "offset=-3"] {
        let answer = api.get(app.url(&format!("/api/v1/obligations?{wrong}"))).bearer_auth(token).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{wrong}");
    }
}

on_both_backends! {
    cached_pages_follow_changes_made_elsewhere => cached_pages_follow_changes_made_elsewhere_on_sqlite, cached_pages_follow_changes_made_elsewhere_on_postgres;
    the_list_comes_in_pages => the_list_comes_in_pages_on_sqlite, the_list_comes_in_pages_on_postgres;
    api_loop => the_report_loop_through_the_api_on_sqlite, the_report_loop_through_the_api_on_postgres;
    report_loop => the_report_and_review_loop_on_sqlite, the_report_and_review_loop_on_postgres;
    story => sign_in_scope_and_refusals_on_sqlite, sign_in_scope_and_refusals_on_postgres;
}
