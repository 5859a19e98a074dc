//! The web side as a browser and a script meet it: a real server on a free
//! port, a real database (SQLite, and PostgreSQL when `GONGKAI_TEST_PG_URL`
//! is set), real HTTP.

use gongkai_domain::people::Role;
use gongkai_domain::plan::understand;
use gongkai_store::{NewUser, ObligationFilter, Store, scratch};
use gongkai_web::{AppState, secrets};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::Value;

const PASSWORD: &str = "测试密码-correct-horse";
const TOWN: &str = "广州市从化区温泉镇人民政府";
const CIVIL: &str = "广州市从化区民政局";

struct App {
    address: String,
    store: Store,
    /// Bearer token per login.
    tokens: Vec<(String, String)>,
    _dir: tempfile::TempDir,
}

impl App {
    fn token(&self, login: &str) -> &str {
        &self.tokens.iter().find(|(l, _)| l == login).unwrap().1
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

async fn spawn_app(url: Option<String>) -> App {
    let dir = tempfile::tempdir().unwrap();
    let url = url.unwrap_or_else(|| scratch::sqlite_url(dir.path()));
    let store = Store::connect(&url).await.unwrap();
    store.save_units(&gongkai_io::units_csv::conghua(), false, "测试").await.unwrap();
    let directory = store.directory().await.unwrap();
    let list = gongkai_io::read_task_list("seed.txt", gongkai_io::SEED_TASK_LIST.as_bytes()).unwrap();
    let understood = understand(&list, &directory, 2020);
    store.save_plan(&understood, "清单", "从化区", &directory, "测试").await.unwrap();
    let hash = secrets::hash_password(PASSWORD).unwrap();
    let mut tokens = Vec::new();
    for (login, role, unit) in [
        ("office", Role::Office, None),
        ("viewer", Role::Viewer, None),
        ("admin", Role::Admin, None),
        ("town", Role::Handler, Some(TOWN)),
        ("townhead", Role::Head, Some(TOWN)),
        ("civil", Role::Handler, Some(CIVIL)),
    ] {
        let new = NewUser {
            login: login.into(),
            display_name: login.into(),
            role,
            unit: unit.map(String::from),
            password_hash: hash.clone(),
            must_change_password: false,
        };
        let id = store.create_user(&new, "测试").await.unwrap();
        let token = secrets::new_secret().unwrap();
        store.create_token(id, &secrets::secret_hash(&token), "测试").await.unwrap();
        tokens.push((login.to_string(), token));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut state = AppState::new(store.clone());
    state.today = Some(chrono::NaiveDate::from_ymd_opt(2020, 11, 25).unwrap());
    tokio::spawn(gongkai_web::serve(listener, state, std::future::pending()));
    App { address, store, tokens, _dir: dir }
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
}

fn csrf_in(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
    page[at..at + 64].to_string()
}

async fn sign_in(app: &App, login: &str, password: &str) -> (reqwest::Client, reqwest::Response) {
    let client = browser();
    let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let response = client
        .post(app.url("/login"))
        .form(&[("login", login), ("password", password), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    (client, response)
}

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
    for (login, _) in &app.tokens {
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
    assert!(board.contains("工作台") && board.contains(TOWN) && board.contains(CIVIL));
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
    assert!(app.store.verify_audit().await.unwrap().is_ok());

    // The API describes itself.
    let spec: Value = api.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(spec["paths"]["/api/v1/obligations/{id}"]["get"].is_object());
}

#[tokio::test]
async fn sign_in_scope_and_refusals_on_sqlite() {
    story(spawn_app(None).await).await;
}

#[tokio::test]
async fn sign_in_scope_and_refusals_on_postgres() {
    let Ok(server) = std::env::var("GONGKAI_TEST_PG_URL") else {
        assert!(std::env::var_os("GONGKAI_REQUIRE_PG").is_none(), "GONGKAI_TEST_PG_URL must be set");
        eprintln!("GONGKAI_TEST_PG_URL is not set: the PostgreSQL run is left to scripts/test.sh");
        return;
    };
    story(spawn_app(Some(scratch::postgres_url(&server).await.unwrap())).await).await;
}
