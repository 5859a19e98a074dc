//! The whole loop in a real browser (headless Chromium through chromedriver),
//! with a screenshot of every step in `target/screenshots/`. Runs when
//! `GONGKAI_TEST_CHROMEDRIVER` names the driver (scripts/test.sh installs
//! Debian's chromium and chromium-driver and sets it).

use base64::Engine as _;
mod common;

use common::{CIVIL, TOWN, add_user, seeded_store, seeded_store_from, serve, serve_on};
use gongkai_domain::people::Role;
use gongkai_store::{ObligationFilter, scratch};
use gongkai_web::secrets;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const PASSWORD: &str = "浏览器测试-password";

/// The few WebDriver calls the test needs, over plain HTTP.
struct Browser {
    http: reqwest::Client,
    base: String,
    session: String,
    driver: Child,
    shots: PathBuf,
    step: usize,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

impl Browser {
    async fn start(driver_path: &str) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        // The driver and the browser it starts must not hold the test's output
        // open, or whoever reads it (cargo, tee) waits for them forever.
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        common::tls();
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap().keep();
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            // Office staff run Chinese browsers: date fields read yyyy/mm/dd.
            "--lang=zh-CN".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--window-size=1366,768".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"args": args, "binary": "/usr/bin/chromium"}}}});
        let answer: Value =
            http.post(format!("{base}/session")).json(&caps).send().await.unwrap().json().await.unwrap();
        let session =
            answer["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {answer}")).to_string();
        let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        Browser { http, base, session, driver, shots, step: 0 }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        match self.try_call(method, path, body).await {
            Ok(value) => value,
            Err(answer) => panic!("{path}: {answer}"),
        }
    }

    async fn try_call(&self, method: reqwest::Method, path: &str, body: Value) -> Result<Value, Value> {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let body = if body.is_null() { json!({}) } else { body };
        let request = match method {
            reqwest::Method::GET => self.http.get(url),
            other => self.http.request(other, url).json(&body),
        };
        let answer: Value = request.send().await.unwrap().json().await.unwrap();
        if answer["value"].get("error").is_some() { Err(answer) } else { Ok(answer["value"].clone()) }
    }

    /// Closes the browser, then the driver.
    async fn quit(mut self) {
        let _ = self.try_call(reqwest::Method::DELETE, "", Value::Null).await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }

    async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", json!({ "url": url })).await;
    }

    async fn find(&self, css: &str) -> String {
        let found = self.call(reqwest::Method::POST, "/element", json!({"using": "css selector", "value": css})).await;
        found.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).unwrap().to_string()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.call(reqwest::Method::POST, &format!("/element/{element}/value"), json!({ "text": text })).await;
    }

    async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.call(reqwest::Method::POST, &format!("/element/{element}/click"), json!({})).await;
    }

    /// The page's text once it contains `needle` (pages load after a click;
    /// an element of the page before is stale, so it asks again).
    async fn text_with(&self, needle: &str) -> String {
        let mut last = String::new();
        for _ in 0..100 {
            let found = self
                .try_call(reqwest::Method::POST, "/element", json!({"using": "css selector", "value": "body"}))
                .await
                .ok();
            let body =
                found.as_ref().and_then(Value::as_object).and_then(|o| o.values().next()).and_then(Value::as_str);
            if let Some(body) = body
                && let Ok(text) =
                    self.try_call(reqwest::Method::GET, &format!("/element/{body}/text"), Value::Null).await
            {
                last = text.as_str().unwrap_or_default().to_string();
                if last.contains(needle) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never showed “{needle}”; it shows:\n{last}");
    }

    async fn screenshot(&mut self, name: &str) {
        self.step += 1;
        let png = self.call(reqwest::Method::GET, "/screenshot", Value::Null).await;
        let bytes = base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap()).unwrap();
        std::fs::write(self.shots.join(format!("{:02}-{name}.png", self.step)), bytes).unwrap();
    }

    /// Runs a script in the page; gives what it returns.
    async fn run(&self, script: &str) -> Value {
        self.call(reqwest::Method::POST, "/execute/sync", json!({ "script": script, "args": [] })).await
    }

    /// Sets the window's inner width (phones: 390 px; office screens: 1366).
    async fn width(&self, width: i64) {
        self.call(reqwest::Method::POST, "/window/rect", json!({ "width": width, "height": 844 })).await;
        let inner = self.run("return window.innerWidth").await.as_i64().unwrap();
        if inner != width {
            // The window's frame takes some of its width: make the page exactly `width`.
            let outer = width + (width - inner);
            self.call(reqwest::Method::POST, "/window/rect", json!({ "width": outer, "height": 844 })).await;
        }
    }

    /// The session cookie, for a download the test reads itself.
    async fn cookie_header(&self) -> String {
        let cookies = self.call(reqwest::Method::GET, "/cookie", Value::Null).await;
        let pairs: Vec<String> = cookies
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{}={}", c["name"].as_str().unwrap(), c["value"].as_str().unwrap()))
            .collect();
        pairs.join("; ")
    }

    /// How far the page reaches past the window's right edge (0: it does not).
    async fn overflow(&self) -> i64 {
        self.run("return document.documentElement.scrollWidth - window.innerWidth").await.as_i64().unwrap().max(0)
    }

    async fn sign_in(&self, app: &str, login: &str) {
        self.call(reqwest::Method::DELETE, "/cookie", Value::Null).await;
        self.go(&format!("{app}/login")).await;
        self.type_into("input[name=login]", login).await;
        self.type_into("input[name=password]", PASSWORD).await;
        self.click("button[type=submit]").await;
        self.wait_for("form[action='/logout']").await;
    }

    /// Waits until the page has an element matching `css`.
    async fn wait_for(&self, css: &str) {
        for _ in 0..100 {
            let found =
                self.try_call(reqwest::Method::POST, "/element", json!({"using": "css selector", "value": css}));
            if found.await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never had {css}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_loop_in_a_real_browser() {
    let Ok(driver) = std::env::var("GONGKAI_TEST_CHROMEDRIVER") else {
        assert!(std::env::var_os("GONGKAI_REQUIRE_BROWSER").is_none(), "GONGKAI_TEST_CHROMEDRIVER must be set");
        eprintln!("GONGKAI_TEST_CHROMEDRIVER is not set: the browser run is left to scripts/test.sh");
        return;
    };
    let mut browser = Browser::start(&driver).await;
    let screenshots = browser.shots.clone();
    let dir = tempfile::tempdir().unwrap();
    browser.shots = screenshots.join("sqlite");
    the_whole_loop(&mut browser, &scratch::sqlite_url(dir.path())).await;
    if let Some(server) = scratch::postgres_server() {
        browser.shots = screenshots.join("postgres");
        the_whole_loop(&mut browser, &scratch::postgres_url(&server).await.unwrap()).await;
    }
    browser.quit().await;
}

/// Changes one audit row behind the application's back, as an intruder with
/// database access would.
async fn tamper_with_audit_row(url: &str, seq: i64) {
    use sqlx::Connection;
    let sql = "UPDATE audit_events SET actor = 'intruder' WHERE seq = $1";
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql).bind(seq).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(sql).bind(seq).execute(&mut conn).await.unwrap();
    }
}

async fn the_whole_loop(browser: &mut Browser, url: &str) {
    browser.step = 0;
    std::fs::create_dir_all(&browser.shots).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = seeded_store(url).await;
    let hash = secrets::hash_password(PASSWORD).unwrap();
    for (login, role, unit) in
        [("office", Role::Office, None), ("town", Role::Handler, Some(TOWN)), ("civil", Role::Handler, Some(CIVIL))]
    {
        add_user(&store, login, role, unit, &hash, false).await;
    }
    let village = store
        .obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() })
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.due == chrono::NaiveDate::from_ymd_opt(2020, 11, 30))
        .unwrap();
    let app = format!("http://{}", serve(&store, &dir.path().join("files")).await);
    let pdf = dir.path().join("村居务公开督导报告.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").unwrap();

    browser.sign_in(&app, "office").await;
    browser.text_with("工作台").await;
    browser.screenshot("office-dashboard").await;

    browser.sign_in(&app, "town").await;
    let mine = browser.text_with("各镇（街）11月30日前报区民政局汇总").await;
    assert!(mine.contains("我的任务"));
    assert!(!mine.contains("制定印发本区村（居）务公开制度"), "温泉镇 sees 区民政局's work");
    browser.screenshot("town-my-obligations").await;
    browser.go(&format!("{app}/obligations/{}", village.id)).await;
    browser.text_with("提交报送").await;
    browser.type_into("textarea[name=text]", "已完成全镇村（居）务公开督导。").await;
    browser.type_into("input[name=files]", pdf.to_str().unwrap()).await;
    browser.screenshot("town-report-form").await;
    browser.click("form[enctype] button[type=submit]").await;
    browser.text_with("待审核").await;
    browser.screenshot("town-submitted").await;

    browser.sign_in(&app, "civil").await;
    browser.go(&format!("{app}/review")).await;
    browser.text_with("待我审核").await;
    browser.click(&format!("a[href='/obligations/{}']", village.id)).await;
    browser.text_with("退回理由").await;
    browser.type_into("textarea[name=reason]", "缺少各村（居）公示栏照片").await;
    browser.click("button[value=return]").await;
    browser.text_with("退回：缺少各村（居）公示栏照片").await;
    browser.screenshot("civil-returned").await;

    browser.sign_in(&app, "town").await;
    browser.go(&format!("{app}/obligations/{}", village.id)).await;
    browser.text_with("重新报送").await;
    browser.type_into("textarea[name=text]", "补充公示栏照片。").await;
    browser.type_into("input[name=files]", pdf.to_str().unwrap()).await;
    browser.click("form[enctype] button[type=submit]").await;
    browser.text_with("补充公示栏照片").await;
    browser.screenshot("town-resubmitted").await;

    browser.sign_in(&app, "civil").await;
    browser.go(&format!("{app}/obligations/{}", village.id)).await;
    browser.text_with("退回理由").await;
    browser.click("button[value=accept]").await;
    browser.text_with("审核通过").await;
    browser.screenshot("civil-accepted").await;

    // Done on 2020-11-25 against 2020-11-30: on time, on the dashboard and in the 台账.
    browser.sign_in(&app, "office").await;
    let board = browser.text_with("按方案项目的完成情况").await;
    assert!(board.contains("1\n已通过（其中逾期完成 0）"), "{board}");
    browser.screenshot("office-dashboard-done").await;
    browser.click("a.card.done").await;
    browser.text_with("单位台账").await;
    let rows =
        "return [...document.querySelectorAll('table.ledger tbody tr')].map(r => r.innerText.replace(/\\s+/g, ' '))";
    let rows = browser.run(rows).await;
    let town_line =
        rows.as_array().unwrap().iter().filter_map(Value::as_str).find(|l| l.contains(TOWN)).unwrap_or_default();
    assert!(town_line.contains("按时完成") && town_line.contains("已通过"), "{rows}");
    browser.screenshot("office-ledger-done").await;
    browser.go(&format!("{app}/tasks/12")).await;
    let task = browser.text_with("各单位任务事项").await;
    let town_line = task.lines().rfind(|l| l.contains(TOWN)).unwrap_or_default().to_string();
    assert!(town_line.contains("按时完成") && town_line.contains("已通过"), "{town_line}");
    browser.screenshot("office-task-done").await;

    // The office imports the list again for 2021 from Word: preview, then confirm.
    let docx = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/seed/conghua-2020-tasklist.docx")
        .canonicalize()
        .unwrap();
    browser.go(&format!("{app}/import")).await;
    browser.type_into("input[name=file]", docx.to_str().unwrap()).await;
    browser.type_into("input[name=year]", "2021").await;
    browser.type_into("input[name=title]", "从化区2021年任务清单").await;
    browser.click("form[enctype] button[type=submit]").await;
    let preview = browser.text_with("确认导入").await;
    assert!(preview.contains("36 项任务"), "{preview}");
    browser.screenshot("office-import-preview").await;
    browser.click("form[enctype] button[type=submit]").await;
    browser.text_with("已导入“从化区2021年任务清单”（2021 年）").await;
    browser.screenshot("office-imported").await;

    // …and confirms who "区发改局等相关部门" are.
    let group = store.tasks().await.unwrap().into_iter().find(|t| t.responsible == "区发改局等相关部门").unwrap();
    browser.go(&format!("{app}/units")).await;
    browser.text_with("待确认的“…等相关部门”").await;
    browser.screenshot("office-units").await;
    browser.go(&format!("{app}/tasks/{}", group.id)).await;
    browser.click("input[name=unit][value='广州市从化区财政局']").await;
    browser.click("#members button[type=submit]").await;
    let confirmed = browser.text_with("成员已确认").await;
    assert!(confirmed.contains("广州市从化区财政局"), "{confirmed}");
    browser.screenshot("office-members-confirmed").await;

    // The audit chain holds after all of it (what `gongkai audit verify`
    // checks), and names the entry someone edits afterwards.
    let entries = store.verify_audit(&[]).await.unwrap().unwrap();
    assert!(entries > 10, "every step was logged: {entries}");
    let review = store.audit_entries(None, Some("obligation.review"), 1).await.unwrap().remove(0);
    tamper_with_audit_row(url, review.seq).await;
    let broken = store.verify_audit(&[]).await.unwrap().unwrap_err();
    assert!(broken.to_string().contains(&format!("第 {} 条", review.seq)), "{broken}");
}

/// Issue 12's walk: the seed programme issued on 2020-09-01, from its first
/// day to 2021-01-31, as the office, 温泉镇's handler and head, 区民政局 and
/// the public, at 1366 and 390 px, with screenshots in
/// `target/screenshots/first-months/`. Nothing is due before the start, no
/// 督办 reaches a unit until the office issues one, each role lands on its
/// counts, a returned report comes back prefilled, the 台账's unit filter,
/// search and export agree, and no page scrolls sideways on a phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_months_at_desk_and_phone_width() {
    let Ok(driver) = std::env::var("GONGKAI_TEST_CHROMEDRIVER") else {
        assert!(std::env::var_os("GONGKAI_REQUIRE_BROWSER").is_none(), "GONGKAI_TEST_CHROMEDRIVER must be set");
        eprintln!("GONGKAI_TEST_CHROMEDRIVER is not set: the browser run is left to scripts/test.sh");
        return;
    };
    let mut browser = Browser::start(&driver).await;
    browser.shots = browser.shots.join("first-months");
    std::fs::create_dir_all(&browser.shots).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let start = day("2020-09-01");
    let store = seeded_store_from(&scratch::sqlite_url(dir.path()), start).await;
    let hash = secrets::hash_password(PASSWORD).unwrap();
    // People by their names, as the administrator wrote them.
    for (login, name, role, unit) in [
        ("office", "王敏", Role::Office, None),
        ("town", "陈晓东", Role::Handler, Some(TOWN)),
        ("townhead", "黄志强", Role::Head, Some(TOWN)),
        ("civil", "李娜", Role::Handler, Some(CIVIL)),
    ] {
        let new = gongkai_store::NewUser {
            login: login.into(),
            display_name: name.into(),
            role,
            unit: unit.map(String::from),
            password_hash: hash.clone(),
            must_change_password: false,
        };
        store.create_user(&new, "测试").await.unwrap();
    }
    // 温泉镇's reports need its head's 签发 in this programme.
    store.set_head_signoff(gongkai_store::PlanId(1), true, "测试").await.unwrap();
    let all = store.obligations(&ObligationFilter::default()).await.unwrap();
    assert!(all.iter().all(|o| o.due.is_none_or(|d| d >= start)), "nothing due before the programme exists");
    let channels = gongkai_app::channels::Channels::new(None).unwrap();
    // 1 September: the first day.
    gongkai_app::remind::pass(&store, day("2020-09-01"), &channels, "调度").await.unwrap();
    let app = format!("http://{}", serve_on(&store, &files, start).await);
    browser.width(1366).await;
    browser.sign_in(&app, "office").await;
    let board = browser.text_with("工作台").await;
    assert!(board.contains("王敏"), "the office's name, not its login: {board}");
    assert!(board.contains("0\n已逾期"), "nothing overdue on day one: {board}");
    browser.screenshot("0901-office-desk").await;

    // 20 October: the September work is late; the rule drafts 督办, the office decides.
    gongkai_app::remind::pass(&store, day("2020-10-20"), &channels, "调度").await.unwrap();
    assert!(store.notices(None, None).await.unwrap().is_empty(), "no 督办 until the office issues one");
    let drafts = store.notice_drafts(None).await.unwrap();
    assert!(!drafts.is_empty(), "the rule drafted 督办");
    let app = format!("http://{}", serve_on(&store, &files, day("2020-10-20")).await);
    browser.sign_in(&app, "town").await;
    let own = store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    let overdue = own.iter().filter(|o| o.status.is_open() && o.due.is_some_and(|d| d < day("2020-10-20"))).count();
    let mine = browser.text_with("待办").await;
    assert!(mine.contains(&format!("已逾期 {overdue} 项")), "the handler's landing counts ({overdue}): {mine}");
    assert!(!mine.contains("督办通知"), "no 督办 reached the town");
    browser.screenshot("1020-town-my").await;
    browser.sign_in(&app, "office").await;
    let board = browser.text_with("工作台").await;
    let all = store.obligations(&ObligationFilter::default()).await.unwrap();
    let late = all.iter().filter(|o| o.status.is_open() && o.due.is_some_and(|d| d < day("2020-10-20"))).count();
    assert!(board.contains(&format!("{late}\n已逾期")), "the office's landing ({late} overdue): {board}");
    browser.screenshot("1020-office-desk").await;
    browser.go(&format!("{app}/notices")).await;
    browser.text_with(&format!("待发督办（{}）", drafts.len())).await;
    browser.screenshot("1020-office-drafts").await;
    let town_draft = drafts.iter().find(|d| d.unit == TOWN).expect("a draft for 温泉镇");
    browser.go(&format!("{app}/notices/drafts/{}", town_draft.id)).await;
    browser.text_with("发出督办通知").await;
    browser.click("form[action$='/issue'] button[type=submit]").await;
    browser.text_with("督办〔2020〕1号").await;
    browser.screenshot("1020-office-notice").await;
    assert_eq!(store.notices(None, None).await.unwrap().len(), 1);
    browser.sign_in(&app, "town").await;
    assert!(browser.text_with("待办").await.contains("督办通知 1 份"));

    // 25 November: a report goes to the head, to 区民政局, back, and again.
    let app = format!("http://{}", serve_on(&store, &files, day("2020-11-25")).await);
    let village = own.iter().find(|o| o.due == Some(day("2020-11-30"))).unwrap().id;
    let pdf = dir.path().join("村居务公开督导报告.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").unwrap();
    browser.sign_in(&app, "town").await;
    browser.go(&format!("{app}/obligations/{village}")).await;
    browser.text_with("提交报送").await;
    let first = "已完成全镇村（居）务公开督导，共 12 个村。";
    browser.type_into("textarea[name=text]", first).await;
    browser.type_into("input[name=files]", pdf.to_str().unwrap()).await;
    browser.click("form[enctype] button[type=submit]").await;
    browser.text_with("待单位负责人签发").await;
    browser.sign_in(&app, "townhead").await;
    let head = browser.text_with("待办").await;
    assert!(head.contains("待签发 1 项"), "the head's landing: {head}");
    browser.wait_for("nav a[data-badge='review'] .badge").await;
    let badge = browser.run("return document.querySelector(\"nav a[data-badge='review'] .badge\").textContent").await;
    assert_eq!(badge, "1", "the 审核 badge in the menu");
    browser.screenshot("1125-head-my").await;
    browser.go(&format!("{app}/obligations/{village}")).await;
    browser.click("button[value=signoff]").await;
    browser.text_with("待审核").await;
    browser.sign_in(&app, "civil").await;
    browser.go(&format!("{app}/review")).await;
    let review = browser.text_with("待我审核").await;
    assert!(review.contains("待我审核（1）"), "the reviewer's count: {review}");
    browser.screenshot("1125-civil-review").await;
    browser.go(&format!("{app}/obligations/{village}")).await;
    browser.text_with("退回理由").await;
    browser.type_into("textarea[name=reason]", "缺少各村（居）公示栏照片").await;
    browser.click("button[value=return]").await;
    browser.text_with("退回：缺少各村（居）公示栏照片").await;
    assert!(browser.text_with("李娜").await.contains("李娜"), "the reviewer by name");
    browser.sign_in(&app, "town").await;
    browser.go(&format!("{app}/obligations/{village}")).await;
    browser.text_with("已退回：缺少各村（居）公示栏照片").await;
    let kept = browser.run("return document.querySelector('textarea[name=text]').value").await;
    assert_eq!(kept.as_str(), Some(first), "the 重新报送 form holds the report returned");
    browser.screenshot("1125-town-returned").await;
    browser.width(390).await;
    assert_eq!(browser.overflow().await, 0, "the returned report at 390 px");
    browser.screenshot("1125-town-returned-phone").await;
    browser.width(1366).await;

    // The office's 台账: one unit, a search, and exactly those rows exported.
    browser.sign_in(&app, "office").await;
    browser.go(&format!("{app}/my")).await;
    browser.type_into("form.filters input[name=unit]", "温泉镇").await;
    browser.type_into("form.filters input[name=q]", "公开").await;
    browser.click("form.filters button[type=submit]").await;
    let ledger = browser.text_with("单位台账：").await;
    assert!(ledger.contains(&format!("单位台账：{TOWN}")), "the unit in the heading: {ledger}");
    let shown = browser.run("return document.querySelectorAll('main table tbody tr').length").await.as_u64().unwrap();
    let expected = own.iter().filter(|o| o.milestone.contains("公开")).count() as u64;
    assert!(shown > 0 && shown <= expected + 5, "rows: {shown}");
    browser.screenshot("1125-office-ledger-search").await;
    let href =
        browser.run("return document.querySelector('a[href^=\"/exports/ledger.xlsx\"]').getAttribute('href')").await;
    let workbook = reqwest::Client::new()
        .get(format!("{app}{}", href.as_str().unwrap()))
        .header("cookie", browser.cookie_header().await)
        .send()
        .await
        .unwrap();
    assert_eq!(workbook.status(), 200);
    let path = dir.path().join("台账.xlsx");
    std::fs::write(&path, workbook.bytes().await.unwrap()).unwrap();
    if let Some(rows) = libreoffice_rows(&path, dir.path()) {
        assert_eq!(rows.len() as u64, shown, "the export holds exactly the rows on screen");
        assert!(rows.iter().all(|r| r.contains(TOWN)));
    }

    // A list of another layout: the preview's column roles, changed in the browser.
    let other = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../gongkai-io/tests/lists/jiangmen-tdcb-zwgk/list.docx")
        .canonicalize()
        .unwrap();
    browser.go(&format!("{app}/import")).await;
    browser.type_into("input[name=file]", other.to_str().unwrap()).await;
    browser.type_into("input[name=year]", "2021").await;
    browser.click("form[enctype] button[type=submit]").await;
    browser.text_with("各列的识别").await;
    let rows = "return document.querySelectorAll('main > table tbody tr').length";
    assert_eq!(browser.run(rows).await, 10, "具体要求 read as the tasks");
    browser.click("select[aria-label*='工作任务'] option[value='task=工作任务']").await;
    browser.click("select[aria-label*='具体要求'] option[value='ignore=具体要求']").await;
    browser.screenshot("1125-office-import-mapping").await;
    browser.click("#preview button[value='']").await;
    browser.wait_for("select[aria-label*='具体要求'] option[value='ignore=具体要求'][selected]").await;
    assert_eq!(browser.run(rows).await, 5, "the office's choice: one task per 工作任务");
    browser.screenshot("1125-office-import-remapped").await;

    browser.go(&format!("{app}/my?unit={TOWN}&group=task&print=1")).await;
    browser.text_with("打印时间").await;
    browser.screenshot("1125-office-ledger-print").await;

    // The public, at both widths.
    browser.call(reqwest::Method::DELETE, "/cookie", Value::Null).await;
    for width in [1366, 390] {
        browser.width(width).await;
        for path in ["/public", "/public/plans/1"] {
            browser.go(&format!("{app}{path}")).await;
            browser.text_with("政务公开").await;
            assert_eq!(browser.overflow().await, 0, "{path} at {width} px");
            let clipped =
                "return [...document.querySelectorAll('svg.chart text')].filter(t => t.getBBox().x < 0).length";
            assert_eq!(browser.run(clipped).await, 0, "chart labels fit on {path}");
            browser.screenshot(&format!("1125-public{}-{width}", path.replace('/', "-"))).await;
        }
    }

    // 31 January: the year closed; still only the 督办 the office issued.
    for on in ["2020-12-31", "2021-01-31"] {
        gongkai_app::remind::pass(&store, day(on), &channels, "调度").await.unwrap();
    }
    assert_eq!(store.notices(None, None).await.unwrap().len(), 1, "drafts are not sent");
    let app = format!("http://{}", serve_on(&store, &files, day("2021-01-31")).await);

    // Every page, every role, on a phone: nothing scrolls sideways.
    let obligation = village.to_string();
    let task = own[0].task_id.to_string();
    let notice = store.notices(None, None).await.unwrap()[0].id.to_string();
    let draft = store.notice_drafts(None).await.unwrap().first().map_or(town_draft.id, |d| d.id).to_string();
    let pages = common::every_page(&obligation, &task, &notice, &draft);
    browser.width(390).await;
    let mut wide = Vec::new();
    for login in ["office", "town", "townhead", "civil"] {
        browser.sign_in(&app, login).await;
        for path in &pages {
            if path.starts_with("/exports/") || path == "/login" || path.ends_with(".ics") {
                continue;
            }
            browser.go(&format!("{app}{path}")).await;
            let over = browser.overflow().await;
            if over > 0 {
                wide.push(format!("{login} {path}: {over} px"));
                browser.screenshot(&format!("0131-wide-{login}{}", path.replace(['/', '?', '='], "-"))).await;
            }
        }
        browser.go(&format!("{app}/my")).await;
        browser.screenshot(&format!("0131-{login}-my-phone")).await;
        browser.click("label.menu-button").await;
        browser.wait_for("nav a[href='/calendar']").await;
        browser.screenshot(&format!("0131-{login}-menu-phone")).await;
    }
    assert!(wide.is_empty(), "pages wider than 390 px:\n{}", wide.join("\n"));
    browser.width(1366).await;
    browser.sign_in(&app, "office").await;
    browser.text_with("工作台").await;
    browser.screenshot("0131-office-desk").await;
    browser.quit().await;
}

/// The rows of the workbook's first sheet as LibreOffice reads them (header
/// left out); None where LibreOffice is not installed (scripts/test.sh
/// installs it and requires it).
fn libreoffice_rows(xlsx: &std::path::Path, out: &std::path::Path) -> Option<Vec<String>> {
    let found = Command::new("sh").args(["-c", "command -v soffice"]).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("GONGKAI_REQUIRE_DOCUMENT_TOOLS").is_none(), "soffice must be installed");
        return None;
    }
    let converted = Command::new("soffice")
        .args(["--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir"])
        .arg(out)
        .arg(xlsx)
        .env("HOME", out)
        .output()
        .unwrap();
    assert!(converted.status.success(), "{}", String::from_utf8_lossy(&converted.stderr));
    let csv = std::fs::read_to_string(xlsx.with_extension("csv")).unwrap();
    Some(csv.lines().skip(1).filter(|l| !l.trim().is_empty()).map(String::from).collect())
}

/// Sets a date field as the user's picker would (the field's own format
/// follows the browser's language).
async fn set_date(browser: &Browser, css: &str, day: &str) {
    browser.run(&format!("document.querySelector(\"{css}\").value = '{day}'; return true")).await;
}

/// 标准目录 from the county's real file to the public page: 区民政局 imports
/// it, submits; the office returns it, it submits again; the office accepts,
/// records the approval, publishes; the public reads it; a record published
/// three working days late across 国庆 says so; the 文件汇编 reads back in
/// LibreOffice and pdftotext.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalogue_from_file_to_public_page() {
    let Ok(driver) = std::env::var("GONGKAI_TEST_CHROMEDRIVER") else {
        assert!(std::env::var_os("GONGKAI_REQUIRE_BROWSER").is_none(), "GONGKAI_TEST_CHROMEDRIVER must be set");
        return;
    };
    let mut browser = Browser::start(&driver).await;
    browser.shots = browser.shots.join("catalogue");
    std::fs::create_dir_all(&browser.shots).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = seeded_store(&scratch::sqlite_url(dir.path())).await;
    let hash = secrets::hash_password(PASSWORD).unwrap();
    for (login, role, unit) in [("office", Role::Office, None), ("civil", Role::Handler, Some(CIVIL))] {
        add_user(&store, login, role, unit, &hash, false).await;
    }
    let app = format!("http://{}", serve(&store, &dir.path().join("files")).await);
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../gongkai-io/tests/catalogues/gaizhou-shehuijiuzhu/catalogue.xlsx")
        .canonicalize()
        .unwrap();

    browser.sign_in(&app, "civil").await;
    browser.go(&format!("{app}/catalogues")).await;
    browser.text_with("导入目录文件").await;
    browser.click("form[action='/catalogues/import'] select[name=area] option[value='社会救助']").await;
    browser.type_into("form[action='/catalogues/import'] input[name=file]", file.to_str().unwrap()).await;
    browser.screenshot("civil-import").await;
    browser.click("form[action='/catalogues/import'] button[type=submit]").await;
    let draft = browser.text_with("信息形成或变更之日起10个工作日内公开").await;
    assert!(draft.contains("草稿") && draft.contains("监督 检查"), "{draft}");
    let id: i64 = browser
        .run("return location.pathname")
        .await
        .as_str()
        .unwrap()
        .trim_start_matches("/catalogues/")
        .parse()
        .unwrap();
    browser.screenshot("civil-draft").await;
    browser.click("input[value=submit] ~ button").await;
    browser.text_with("已提交，待审核").await;

    browser.sign_in(&app, "office").await;
    browser.go(&format!("{app}/catalogues/{id}")).await;
    browser.text_with("退回修改").await;
    browser.type_into("textarea[name=comment]", "请核对公开主体").await;
    browser.click("input[value=return] ~ button").await;
    browser.text_with("退回意见：请核对公开主体").await;
    browser.screenshot("office-returned").await;

    browser.sign_in(&app, "civil").await;
    browser.go(&format!("{app}/catalogues/{id}")).await;
    browser.text_with("请核对公开主体").await;
    browser.click("input[value=submit] ~ button").await;
    browser.text_with("已提交，待审核").await;

    browser.sign_in(&app, "office").await;
    browser.go(&format!("{app}/catalogues/{id}")).await;
    browser.text_with("审核通过").await;
    browser.click("input[value=accept] ~ button").await;
    browser.text_with("登记区政府批准").await;
    browser.type_into("input[name=approval]", "从府办函〔2020〕35号").await;
    browser.click("input[value=approve] ~ button").await;
    browser.text_with("区政府已批准，待发布").await;
    browser.click("input[value=publish] ~ button").await;
    browser.text_with("已发布").await;
    browser.screenshot("office-published").await;

    // 2020-09-28 + 10 working days is 10-19 (国庆: 10-01..08 off, 10-10 worked); 10-22 is three late.
    browser.sign_in(&app, "civil").await;
    browser.go(&format!("{app}/catalogues/{id}")).await;
    browser.text_with("按目录公开的信息").await;
    let form = "form[aria-label='登记第1项的公开信息']";
    browser.type_into(&format!("{form} input[name=title]"), "盖州市社会救助政策文件").await;
    browser.type_into(&format!("{form} input[name=url]"), "https://www.gaizhou.gov.cn/zwgk/shjz/1.html").await;
    set_date(&browser, &format!("{form} input[name=published_on]"), "2020-10-22").await;
    set_date(&browser, &format!("{form} input[name=event_on]"), "2020-09-28").await;
    browser.click(&format!("{form} button[type=submit]")).await;
    let shown = browser.text_with("逾期 3 个工作日").await;
    assert!(shown.contains("2020-10-19"), "the due day is shown: {shown}");
    browser.screenshot("civil-record-late").await;

    browser.call(reqwest::Method::DELETE, "/cookie", Value::Null).await;
    browser.go(&format!("{app}/public/catalogues")).await;
    browser.click(&format!("a[href='/public/catalogues/{id}']")).await;
    let public = browser.text_with("从府办函〔2020〕35号").await;
    assert!(public.contains("盖州市社会救助政策文件") && public.contains("信息形成或变更之日起10个工作日内公开"));
    browser.screenshot("public-catalogue").await;

    // The 文件汇编 and the workbook, as the office downloads them.
    browser.sign_in(&app, "office").await;
    let cookie = browser.cookie_header().await;
    let fetch = |format: &str| {
        let url = format!("{app}/exports/catalogues?format={format}");
        let cookie = cookie.clone();
        async move { reqwest::Client::new().get(url).header("cookie", cookie).send().await.unwrap().bytes().await.unwrap() }
    };
    let xlsx = dir.path().join("标准目录.xlsx");
    std::fs::write(&xlsx, fetch("xlsx").await).unwrap();
    if let Some(rows) = libreoffice_rows(&xlsx, dir.path()) {
        let joined = rows.join("\n");
        assert!(joined.contains("政策 法规 文件") || joined.contains("政策法规文件"), "{joined}");
        assert!(joined.contains("监督 检查") || joined.contains("监督检查"), "{joined}");
    }
    let pdf = dir.path().join("汇编.pdf");
    std::fs::write(&pdf, fetch("pdf").await).unwrap();
    let found = Command::new("sh").args(["-c", "command -v pdftotext"]).output().is_ok_and(|o| o.status.success());
    if found {
        let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
        let text: String = String::from_utf8_lossy(&text.stdout).chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            text.contains("从化区政务公开事项标准目录汇编") && text.contains("社会救助领域政务公开事项标准目录"),
            "{text}"
        );
    } else {
        assert!(std::env::var_os("GONGKAI_REQUIRE_DOCUMENT_TOOLS").is_none(), "pdftotext must be installed");
    }
    browser.quit().await;
}

/// A public application in the browser, from the form to the answer: the
/// public applies without signing in and gets a receipt number; 区民政局
/// confirms it, asks for a 补正 and gets it, consults a third party,
/// extends the period and answers, making each letter; the letters download
/// and read back; the public reads the answer's state by the number. Dates
/// checked with `gongkai foi clock`: confirmed Thu 2020-11-26 → due 12-24;
/// corrected 12-01 → 12-29; consulted 12-03…12-10 → 2021-01-07 (元旦 off);
/// extended → 2021-02-04.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_application_from_form_to_answer() {
    let Ok(driver) = std::env::var("GONGKAI_TEST_CHROMEDRIVER") else {
        assert!(std::env::var_os("GONGKAI_REQUIRE_BROWSER").is_none(), "GONGKAI_TEST_CHROMEDRIVER must be set");
        return;
    };
    let mut browser = Browser::start(&driver).await;
    browser.shots = browser.shots.join("foi");
    std::fs::create_dir_all(&browser.shots).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = seeded_store(&scratch::sqlite_url(dir.path())).await;
    let hash = secrets::hash_password(PASSWORD).unwrap();
    add_user(&store, "civil", Role::Handler, Some(CIVIL), &hash, false).await;
    let app = format!("http://{}", serve(&store, &dir.path().join("files")).await);

    // The public applies.
    browser.go(&format!("{app}/public/apply")).await;
    browser.text_with("政府信息公开申请").await;
    browser.click(&format!("select[name=unit] option[value='{CIVIL}']")).await;
    browser.click("select[name=applicant_kind] option[value='商业企业']").await;
    browser.type_into("input[name=applicant]", "某某养老服务有限公司").await;
    browser.type_into("input[name=contact]", "020-00000000").await;
    browser.type_into("textarea[name=text]", "申请公开2020年养老机构运营补贴发放名单").await;
    browser.screenshot("public-form").await;
    browser.click("form[action='/public/apply'] button[type=submit]").await;
    browser.text_with("申请已提交").await;
    let number = browser.run("return document.getElementById('receipt-number').textContent").await;
    let number = number.as_str().unwrap().to_string();
    browser.screenshot("public-receipt").await;
    browser.go(&format!("{app}/public/apply/status?number={number}")).await;
    browser.text_with("等待确认收到").await;

    // 区民政局 confirms, and so on to the answer.
    browser.sign_in(&app, "civil").await;
    browser.go(&format!("{app}/requests?show=open")).await;
    browser.text_with(&number).await;
    let script = format!(
        "return Array.from(document.querySelectorAll('a')).find(a => a.textContent.trim() == '{number}').getAttribute('href')"
    );
    let at = browser.run(&script).await.as_str().unwrap().to_string();
    let page = format!("{app}{at}");
    record(&browser, &page, "confirmed", "2020-11-26", "").await;
    browser.text_with("办理中（答复期限 2020-12-24）").await;
    letter(&browser, &page, "receipt", "docx").await;
    browser.text_with("登记回执.docx").await;
    record(&browser, &page, "correction_requested", "2020-11-27", "请写明补贴的年度和发放对象范围").await;
    browser.text_with("等待申请人补正").await;
    letter(&browser, &page, "correction", "docx").await;
    browser.text_with("补正告知书.docx").await;
    record(&browser, &page, "correction_received", "2020-12-01", "").await;
    browser.text_with("办理中（答复期限 2020-12-29）").await;
    record(&browser, &page, "third_party_sent", "2020-12-03", "某养老服务中心").await;
    browser.text_with("征求第三方意见中").await;
    letter(&browser, &page, "third_party", "pdf").await;
    browser.text_with("征求第三方意见书.pdf").await;
    record(&browser, &page, "third_party_replied", "2020-12-10", "").await;
    browser.text_with("办理中（答复期限 2021-01-07）").await;
    record(&browser, &page, "extended", "2020-12-21", "因需征求第三方意见并核对大量原始记录，").await;
    let extended = browser.text_with("延长后的答复期限").await;
    assert!(extended.contains("2021-02-04"), "{extended}");
    letter(&browser, &page, "extension", "docx").await;
    browser.text_with("延期答复告知书.docx").await;
    browser.screenshot("civil-extended").await;
    // The answer: 部分公开.
    browser.go(&format!("{app}{at}")).await;
    browser
        .click("select[name=outcome] option[value='（二）部分公开（区分处理的，只计这一情形，不计其他情形）']")
        .await;
    set_date(&browser, "form:has(select[name=outcome]) input[name=date]", "2021-01-15").await;
    browser.click("form:has(select[name=outcome]) button[type=submit]").await;
    browser.text_with("已办结（2021-01-15）：部分公开").await;
    letter(&browser, &page, "partial", "docx").await;
    let page = browser.text_with("答复书-部分公开.docx").await;
    assert!(page.contains("作出答复") && page.contains("部分公开"), "{page}");
    browser.screenshot("civil-answered").await;

    // Every letter downloads and reads back.
    let links = browser.run("return Array.from(document.querySelectorAll(\"a[href*='/documents/']\")).map(a => [a.getAttribute('href'), a.textContent])").await;
    let cookie = browser.cookie_header().await;
    let links = links.as_array().unwrap();
    assert_eq!(links.len(), 5, "{links:?}");
    for link in links {
        let (href, name) = (link[0].as_str().unwrap(), link[1].as_str().unwrap());
        let bytes = reqwest::Client::new().get(format!("{app}{href}")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(bytes.status(), reqwest::StatusCode::OK, "{name}");
        let bytes = bytes.bytes().await.unwrap();
        let file = dir.path().join(name);
        std::fs::write(&file, &bytes).unwrap();
        let text = if name.ends_with(".pdf") {
            let found =
                Command::new("sh").args(["-c", "command -v pdftotext"]).output().is_ok_and(|o| o.status.success());
            if !found {
                assert!(std::env::var_os("GONGKAI_REQUIRE_DOCUMENT_TOOLS").is_none(), "pdftotext must be installed");
                continue;
            }
            let out = Command::new("pdftotext").arg(&file).arg("-").output().unwrap();
            String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect::<String>()
        } else {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
            xml
        };
        assert!(text.contains(&number), "{name}: the receipt number in {text}");
        let expected = match name {
            n if n.contains("登记回执") => "2020年12月24日",
            n if n.contains("补正告知书") => "请写明补贴的年度和发放对象范围",
            n if n.contains("征求第三方意见书") => "某养老服务中心",
            n if n.contains("延期答复告知书") => "2021年2月4日",
            _ => "第三十七条",
        };
        assert!(text.contains(expected), "{name}: {expected} in {text}");
    }

    // The public reads the answer's state, and nothing else.
    browser.call(reqwest::Method::DELETE, "/cookie", Value::Null).await;
    browser.go(&format!("{app}/public/apply/status?number={number}")).await;
    let status = browser.text_with("已办结（2021-01-15）：部分公开").await;
    assert!(!status.contains("某某养老服务有限公司") && !status.contains("运营补贴"), "{status}");
    browser.screenshot("public-status").await;
    browser.quit().await;
}

/// Records what happened to a request on its page (the event form).
async fn record(browser: &Browser, page: &str, kind: &str, date: &str, note: &str) {
    browser.go(page).await;
    browser.wait_for("form:has(select[name=kind])").await;
    browser.click(&format!("form:has(select[name=kind]) option[value={kind}]")).await;
    set_date(browser, "form:has(select[name=kind]) input[name=date]", date).await;
    if !note.is_empty() {
        browser.type_into("form:has(select[name=kind]) input[name=note]", note).await;
    }
    browser.click("form:has(select[name=kind]) button[type=submit]").await;
}

/// Makes one of a request's letters on its page.
async fn letter(browser: &Browser, page: &str, code: &str, format: &str) {
    browser.go(page).await;
    browser.wait_for(&format!("select[name=letter] option[value={code}]")).await;
    browser.click(&format!("select[name=letter] option[value={code}]")).await;
    browser.click(&format!("select[name=format] option[value={format}]")).await;
    browser.click("form[action$='/letters'] button[type=submit]").await;
}
