//! Findings of the attacker's review, each held down on both backends:
//! decisions made once under concurrent requests, failed sign-ins counted
//! in the database, credentials with a lifecycle, answers nobody caches,
//! limits on every field, no NUL anywhere, Secure cookies behind HTTPS.

mod common;

use common::{App, CIVIL, PASSWORD, TOWN, browser, csrf_in, sign_in};
use gongkai_store::ObligationFilter;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// One `#[tokio::test]` per backend, on a runtime with two threads so that
/// concurrent requests really overlap.
macro_rules! on_both_backends {
    ($($story:ident => $sqlite:ident, $postgres:ident;)+) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            $story(common::spawn_app(None).await).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            let Some(server) = gongkai_store::scratch::postgres_server() else { return };
            let url = gongkai_store::scratch::postgres_url(&server).await.unwrap();
            $story(common::spawn_app(Some(url)).await).await;
        }
    )+};
}

on_both_backends! {
    decisions_happen_once => concurrent_decisions_have_one_winner_on_sqlite, concurrent_decisions_have_one_winner_on_postgres;
    login_attempts_are_shared => failed_sign_ins_are_counted_in_the_database_on_sqlite, failed_sign_ins_are_counted_in_the_database_on_postgres;
    credentials_have_a_lifecycle => credentials_have_a_lifecycle_on_sqlite, credentials_have_a_lifecycle_on_postgres;
    inputs_are_bounded_and_clean => inputs_are_bounded_and_clean_on_sqlite, inputs_are_bounded_and_clean_on_postgres;
}

/// The town's obligations due after "today" (2020-11-25) that report to the office.
async fn towns_open_work(app: &App) -> Vec<gongkai_store::ObligationRow> {
    let own = app.store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    own.into_iter().filter(|o| o.recipient.is_none() && o.due.is_some()).collect()
}

/// Runs `n` futures at once on the runtime's threads; gives their results.
async fn together<F, Fut, R>(n: usize, make: F) -> Vec<R>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = R> + Send + 'static,
    R: Send + 'static,
{
    let handles: Vec<_> = (0..n).map(|i| tokio::spawn(make(i))).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

/// Sends `n` requests at once; gives each one's status and body.
async fn at_once<F, Fut>(n: usize, make: F) -> Vec<(StatusCode, String)>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>> + Send + 'static,
{
    together(n, |i| {
        let request = make(i);
        async move {
            let response = request.await.unwrap();
            (response.status(), response.text().await.unwrap_or_default())
        }
    })
    .await
}

/// Exactly one answer is `won`; every other is 409 with a Chinese message.
fn one_winner(what: &str, answers: &[(StatusCode, String)], won: StatusCode) {
    let winners = answers.iter().filter(|(s, _)| *s == won).count();
    assert_eq!(winners, 1, "{what}: {answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != won) {
        assert_eq!(*status, StatusCode::CONFLICT, "{what}: {body}");
        let message: Value = serde_json::from_str(body).unwrap();
        assert!(message["error"].as_str().unwrap().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{body}");
    }
}

async fn decisions_happen_once(app: App) {
    let work = towns_open_work(&app).await;
    let (report, later) = (work[0].id, work[1].id);
    let api = reqwest::Client::new();
    let url = |path: String| app.url(&path);

    // Ten reports at once: one is stored.
    let answers = at_once(10, |i| {
        let form = reqwest::multipart::Form::new().text("text", format!("第 {i} 次报送"));
        api.post(url(format!("/api/v1/obligations/{report}/submissions")))
            .bearer_auth(app.token("town"))
            .multipart(form)
            .send()
    })
    .await;
    one_winner("reports", &answers, StatusCode::CREATED);
    assert_eq!(app.store.submissions(report).await.unwrap().len(), 1);

    // Twenty-eight decisions at once, accepting and returning: one counts.
    let answers = at_once(28, |i| {
        let decision = if i % 2 == 0 {
            json!({ "decision": "accept" })
        } else {
            json!({ "decision": "return", "reason": "材料不全" })
        };
        api.post(url(format!("/api/v1/obligations/{report}/review")))
            .bearer_auth(app.token("office"))
            .json(&decision)
            .send()
    })
    .await;
    one_winner("decisions", &answers, StatusCode::OK);
    let submissions = app.store.submissions(report).await.unwrap();
    assert_eq!(submissions[0].reviews.len(), 1, "one decision is recorded");
    let status = app.store.obligations(&ObligationFilter { id: Some(report), ..Default::default() }).await.unwrap();
    assert_eq!(status[0].status, submissions[0].reviews[0].decision, "the status is the recorded decision");

    // Extension requests and their answers.
    let answers = at_once(10, |_| {
        api.post(url(format!("/api/v1/obligations/{later}/extensions")))
            .bearer_auth(app.token("town"))
            .json(&json!({ "due": "2021-01-31", "reason": "村（居）换届" }))
            .send()
    })
    .await;
    one_winner("extension requests", &answers, StatusCode::CREATED);
    let answers = at_once(10, |i| {
        let decision = if i % 2 == 0 {
            json!({ "decision": "grant" })
        } else {
            json!({ "decision": "refuse", "note": "不同意" })
        };
        api.post(url(format!("/api/v1/obligations/{later}/extensions/decision")))
            .bearer_auth(app.token("office"))
            .json(&decision)
            .send()
    })
    .await;
    one_winner("extension answers", &answers, StatusCode::OK);
    let history = app.store.extensions(later).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_ne!(history[0].status, "pending");

    // The same 督办 clicked many times: one notice.
    let overdue = app
        .store
        .obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() })
        .await
        .unwrap()
        .into_iter()
        .find(|o| {
            o.due.is_some_and(|d| d < chrono::NaiveDate::from_ymd_opt(2020, 11, 25).unwrap()) && o.status == "pending"
        })
        .unwrap();
    let answers = at_once(10, |_| {
        api.post(url(format!("/api/v1/obligations/{}/notice", overdue.id)))
            .bearer_auth(app.token("office"))
            .json(&json!({ "new_due": "2020-12-31" }))
            .send()
    })
    .await;
    one_winner("notices", &answers, StatusCode::OK);
    assert_eq!(app.store.notices(Some(TOWN), None).await.unwrap().len(), 1);
}

/// A sign-in attempt with a fresh page (and its CSRF cookie); gives the page's message.
async fn attempt(app_address: String, login: &str, password: impl AsRef<str>) -> String {
    let password = password.as_ref();
    let client = browser();
    let url = |path: &str| format!("http://{app_address}{path}");
    let page = client.get(url("/login")).send().await.unwrap().text().await.unwrap();
    let form = [("login", login), ("password", password), ("csrf", &csrf_in(&page))];
    let response = client.post(url("/login")).form(&form).send().await.unwrap();
    if response.status() == StatusCode::SEE_OTHER {
        return "signed in".into();
    }
    response.text().await.unwrap()
}

async fn login_attempts_are_shared(app: App) {
    // Twenty wrong passwords at once: five are checked, the rest are refused unchecked.
    let answers = together(20, |i| attempt(app.address.clone(), "civil", format!("猜的密码{i}"))).await;
    let checked = answers.iter().filter(|body| body.contains("账号或密码不正确")).count();
    let locked = answers.iter().filter(|body| body.contains("错误次数过多")).count();
    assert_eq!((checked, locked), (5, 15), "five attempts per window, counted atomically");
    // Now even the right password waits for the lock to pass.
    assert!(attempt(app.address.clone(), "civil", PASSWORD).await.contains("错误次数过多"));

    // Another server on the same database (or this one restarted) knows it.
    let elsewhere = gongkai_store::Store::connect(&app.db_url, &common::key()).await.unwrap();
    let second = common::serve(&elsewhere, &app.dir.path().join("files")).await;
    assert!(attempt(second.clone(), "civil", PASSWORD).await.contains("错误次数过多"));
    // Other logins are not locked.
    assert_eq!(attempt(second, "town", PASSWORD).await, "signed in");
    // Each attempt is in the audit log.
    let failed = app.store.audit_entries(Some("civil"), Some("login.failed"), 100).await.unwrap();
    assert_eq!(failed.len(), 22);
}

async fn credentials_have_a_lifecycle(app: App) {
    // Two browsers signed in as the town; one changes the password.
    let (first, _) = sign_in(&app, "town", PASSWORD).await;
    let (second, _) = sign_in(&app, "town", PASSWORD).await;
    let page = first.get(app.url("/password")).send().await.unwrap().text().await.unwrap();
    let change = |new: &str| {
        [
            ("csrf", csrf_in(&page)),
            ("current", PASSWORD.to_string()),
            ("new", new.to_string()),
            ("again", new.to_string()),
        ]
    };
    for (weak, why) in
        [("短密码-2020", "12"), ("1qaz2wsx3edc", "常见"), ("woaini1314520", "常见"), ("town-2020-spring", "登录名")]
    {
        let refused = first.post(app.url("/password")).form(&change(weak)).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{weak}");
        assert!(refused.text().await.unwrap().contains(why), "{weak}");
    }
    let new_password = "温泉镇的新密码-二〇二〇";
    assert_eq!(
        first.post(app.url("/password")).form(&change(new_password)).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(first.get(app.url("/my")).send().await.unwrap().status(), StatusCode::OK, "this session goes on");
    let ended = second.get(app.url("/my")).send().await.unwrap();
    assert_eq!(ended.headers()["location"], "/login", "the other session ended");

    // Tokens: made on a page with an expiry, listed, revoked.
    let tokens_page = first.get(app.url("/account/tokens")).send().await.unwrap().text().await.unwrap();
    let made = first
        .post(app.url("/account/tokens"))
        .form(&[("csrf", csrf_in(&tokens_page)), ("name", "台账同步脚本".into()), ("days", "30".into())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = made.find("class=\"secret\">").unwrap() + "class=\"secret\">".len();
    let token = made[at..at + 64].to_string();
    assert!(made.contains("台账同步脚本") && made.contains("有效"), "{made}");
    let me = |token: &str| reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth(token).send();
    assert_eq!(me(&token).await.unwrap().status(), StatusCode::OK);
    let mine = app.store.tokens(Some(app.store.user_by_login("town").await.unwrap().unwrap().id)).await.unwrap();
    let id = mine.iter().find(|t| t.name == "台账同步脚本").unwrap().id;
    let revoke = first
        .post(app.url(&format!("/account/tokens/{id}/revoke")))
        .form(&[("csrf", csrf_in(&made))])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::SEE_OTHER);
    assert_eq!(me(&token).await.unwrap().status(), StatusCode::UNAUTHORIZED, "a revoked token is refused");
    // Someone else's token is not theirs to revoke.
    let office_token =
        app.store.tokens(Some(app.store.user_by_login("office").await.unwrap().unwrap().id)).await.unwrap();
    let theirs = first
        .post(app.url(&format!("/account/tokens/{}/revoke", office_token[0].id)))
        .form(&[("csrf", csrf_in(&made))])
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    assert_eq!(me(app.token("office")).await.unwrap().status(), StatusCode::OK);
    // An expired token is refused.
    let expired = gongkai_web::secrets::new_secret().unwrap();
    let past = chrono::Utc::now() - chrono::Duration::days(1);
    let town_id = app.store.user_by_login("town").await.unwrap().unwrap().id;
    app.store
        .create_token(town_id, &gongkai_web::secrets::secret_hash(&expired), "旧令牌", Some(past), "测试")
        .await
        .unwrap();
    assert_eq!(me(&expired).await.unwrap().status(), StatusCode::UNAUTHORIZED);

    // The administrator disables, enables and resets accounts; others may not.
    assert_eq!(first.get(app.url("/users")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let (admin, _) = sign_in(&app, "admin", PASSWORD).await;
    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;
    let users = admin.get(app.url("/users")).send().await.unwrap().text().await.unwrap();
    assert!(users.contains("civil") && users.contains("账号管理"));
    let civil_id = app.store.user_by_login("civil").await.unwrap().unwrap().id;
    let act = |what: &str| {
        admin.post(app.url(&format!("/users/{civil_id}/{what}"))).form(&[("csrf", csrf_in(&users))]).send()
    };
    assert_eq!(act("disable").await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(civil.get(app.url("/my")).send().await.unwrap().headers()["location"], "/login");
    assert_eq!(me(app.token("civil")).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in(&app, "civil", PASSWORD).await.1.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(act("enable").await.unwrap().status(), StatusCode::SEE_OTHER);
    let (civil, _) = sign_in(&app, "civil", PASSWORD).await;
    assert_eq!(civil.get(app.url("/my")).send().await.unwrap().status(), StatusCode::OK);
    let reset = act("reset").await.unwrap().text().await.unwrap();
    let at = reset.find("class=\"secret\">").unwrap() + "class=\"secret\">".len();
    let one_time: String = reset[at..].chars().take_while(|c| *c != '<').collect();
    assert_eq!(one_time.chars().count(), 16, "{reset}");
    assert_eq!(civil.get(app.url("/my")).send().await.unwrap().headers()["location"], "/login", "reset ends sessions");
    let (civil, _) = sign_in(&app, "civil", &one_time).await;
    assert_eq!(civil.get(app.url("/my")).send().await.unwrap().headers()["location"], "/password");
    assert_eq!(
        me(app.token("civil")).await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "the API waits for a new password"
    );
    // The administrator writes the name people see; the header shows it, not the login.
    let rename = |client: &reqwest::Client, name: &str| {
        let form = [("csrf", csrf_in(&users)), ("name", name.to_string())];
        client.post(app.url(&format!("/users/{civil_id}/name"))).form(&form).send()
    };
    assert_eq!(rename(&admin, "李娜").await.unwrap().status(), StatusCode::SEE_OTHER);
    let empty = rename(&admin, "  ").await.unwrap().text().await.unwrap();
    assert!(empty.contains("姓名不能为空"));
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    assert_eq!(rename(&office, "别人").await.unwrap().status(), StatusCode::FORBIDDEN);
    let (civil, _) = sign_in(&app, "civil", &one_time).await;
    let form = [
        ("csrf", csrf_in(&civil.get(app.url("/password")).send().await.unwrap().text().await.unwrap())),
        ("current", one_time.clone()),
        ("new", "新的密码-correct-horse-2".into()),
        ("again", "新的密码-correct-horse-2".into()),
    ];
    civil.post(app.url("/password")).form(&form).send().await.unwrap();
    let header = civil.get(app.url("/my")).send().await.unwrap().text().await.unwrap();
    assert!(header.contains("李娜（承办人"), "{header}");
    assert_eq!(app.store.user_by_login("civil").await.unwrap().unwrap().display_name, "李娜");
    // Every step is audited.
    for action in
        ["user.password", "token.create", "token.revoke", "user.disable", "user.enable", "user.reset", "user.rename"]
    {
        assert!(!app.store.audit_entries(None, Some(action), 10).await.unwrap().is_empty(), "{action}");
    }
}

async fn inputs_are_bounded_and_clean(app: App) {
    let (town, _) = sign_in(&app, "town", PASSWORD).await;
    let (office, _) = sign_in(&app, "office", PASSWORD).await;
    let api = reqwest::Client::new();
    let work = towns_open_work(&app).await;
    let id = work[0].id;

    // Signed-in answers are never cached; public ones may be.
    let page = town.get(app.url("/my")).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    let me = api.get(app.url("/api/v1/me")).bearer_auth(app.token("town")).send().await.unwrap();
    assert_eq!(me.headers()["cache-control"], "no-store");
    let public = api.get(app.url("/public")).send().await.unwrap();
    assert!(public.headers().get("cache-control").is_none_or(|v| v != "no-store"));

    // A NUL is refused with 400 wherever it comes: form, JSON, multipart, address.
    let login_page = browser();
    let page = login_page.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let nul_login = login_page
        .post(app.url("/login"))
        .form(&[("login", "town\0"), ("password", PASSWORD), ("csrf", &csrf_in(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(nul_login.status(), StatusCode::BAD_REQUEST);
    let nul_json = api
        .post(app.url(&format!("/api/v1/obligations/{}/extensions", work[1].id)))
        .bearer_auth(app.token("town"))
        .json(&json!({ "due": "2021-01-31", "reason": "理由\u{0}" }))
        .send()
        .await
        .unwrap();
    assert_eq!(nul_json.status(), StatusCode::BAD_REQUEST);
    let nul_report = api
        .post(app.url(&format!("/api/v1/obligations/{id}/submissions")))
        .bearer_auth(app.token("town"))
        .multipart(reqwest::multipart::Form::new().text("text", "已公开\0"))
        .send()
        .await
        .unwrap();
    assert_eq!(nul_report.status(), StatusCode::BAD_REQUEST);
    assert_eq!(town.get(app.url("/my?unit=%00")).send().await.unwrap().status(), StatusCode::BAD_REQUEST);
    assert!(app.store.submissions(id).await.unwrap().is_empty());

    // Dates outside 2000–2100 are refused, never computed with.
    for month in ["-262143-01", "262143-12", "9999-99"] {
        let answer = town.get(app.url(&format!("/calendar?month={month}"))).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{month}");
    }

    // A report: 20 files at most, text within its limit, file names cleaned.
    let pdf = || reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec());
    let mut many = reqwest::multipart::Form::new().text("text", "附件很多");
    for n in 0..21 {
        many = many.part("files", pdf().file_name(format!("第{n}份.pdf")));
    }
    let answer = api
        .post(app.url(&format!("/api/v1/obligations/{id}/submissions")))
        .bearer_auth(app.token("town"))
        .multipart(many)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(answer.text().await.unwrap().contains("20 个文件"));
    let long = reqwest::multipart::Form::new().text("text", "字".repeat(20_001));
    let answer = api
        .post(app.url(&format!("/api/v1/obligations/{id}/submissions")))
        .bearer_auth(app.token("town"))
        .multipart(long)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(answer.text().await.unwrap().contains("20000"));
    assert!(app.store.submissions(id).await.unwrap().is_empty(), "nothing stored");
    let named =
        reqwest::multipart::Form::new().text("text", "已公开").part("files", pdf().file_name("报告\u{202E}fdp.pdf"));
    let answer = api
        .post(app.url(&format!("/api/v1/obligations/{id}/submissions")))
        .bearer_auth(app.token("town"))
        .multipart(named)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::CREATED);
    assert_eq!(app.store.submissions(id).await.unwrap()[0].attachments[0].file_name, "报告fdp.pdf");

    // Unit names: at most 100 characters; line breaks and direction marks cleaned.
    let units_page = office.get(app.url("/units/edit")).send().await.unwrap().text().await.unwrap();
    let save = |name: String| {
        office
            .post(app.url("/units"))
            .form(&[("csrf", csrf_in(&units_page)), ("name", name), ("kind", "department".into())])
            .send()
    };
    assert_eq!(save("局".repeat(101)).await.unwrap().status(), StatusCode::BAD_REQUEST);
    assert_eq!(save("区新设\r\n局\u{202E}".into()).await.unwrap().status(), StatusCode::SEE_OTHER);
    let directory = app.store.directory().await.unwrap();
    assert!(directory.units().iter().any(|u| u.name == "区新设 局"), "cleaned");
    assert!(!directory.units().iter().any(|u| u.name.contains('\u{202E}') || u.name.contains('\n')));

    // A failed sign-in with an enormous login records 64 characters of it;
    // a body past the form limit is refused before it is read.
    let big = "x".repeat(100_000);
    let client = browser();
    let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let form = [("login", big.as_str()), ("password", "x"), ("csrf", &csrf_in(&page))];
    assert_eq!(client.post(app.url("/login")).form(&form).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let failed = app.store.audit_entries(None, Some("login.failed"), 10).await.unwrap();
    assert!(
        failed.iter().all(|e| e.actor.chars().count() <= 64),
        "{:?}",
        failed.iter().map(|e| e.actor.len()).collect::<Vec<_>>()
    );
    let huge = "x".repeat(2 * 1024 * 1024);
    let form = [("login", huge.as_str()), ("password", "x"), ("csrf", &csrf_in(&page))];
    assert_eq!(
        client.post(app.url("/login")).form(&form).send().await.unwrap().status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );

    // A task list past its size limit is refused at the door.
    let import = office.get(app.url("/import")).send().await.unwrap().text().await.unwrap();
    let list = vec![b'a'; gongkai_io::limits::MAX_LIST_BYTES + 1];
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf_in(&import))
        .part("file", reqwest::multipart::Part::bytes(list).file_name("清单.txt"));
    let answer = office.post(app.url("/import")).multipart(form).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let _ = CIVIL;
}

#[tokio::test]
async fn cookies_are_secure_when_a_trusted_proxy_says_https() {
    common::tls();
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(&gongkai_store::scratch::sqlite_url(dir.path())).await;
    let hash = gongkai_web::secrets::hash_password(PASSWORD).unwrap();
    common::add_user(&store, "town", gongkai_domain::people::Role::Handler, Some(TOWN), &hash, false).await;
    let serve = |trusted: Vec<std::net::IpAddr>| {
        let store = store.clone();
        async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let address = listener.local_addr().unwrap().to_string();
            let mut state = gongkai_web::AppState::new(store);
            state.trusted_proxies = trusted;
            tokio::spawn(gongkai_web::serve(listener, state, std::future::pending()));
            address
        }
    };
    let cookie = |address: String, https: bool| async move {
        let client = browser();
        let mut page = client.get(format!("http://{address}/login"));
        if https {
            page = page.header("x-forwarded-proto", "https");
        }
        let response = page.send().await.unwrap();
        response.headers()["set-cookie"].to_str().unwrap().to_string()
    };
    let behind_proxy = serve(vec![std::net::Ipv4Addr::LOCALHOST.into()]).await;
    assert!(cookie(behind_proxy.clone(), true).await.contains("; Secure"));
    assert!(!cookie(behind_proxy, false).await.contains("Secure"));
    // The header from a peer that is not a trusted proxy is not believed.
    let open = serve(Vec::new()).await;
    assert!(!cookie(open, true).await.contains("Secure"));
}
