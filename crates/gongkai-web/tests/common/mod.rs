//! What the web tests share: a database with the 从化区 directory and the
//! seed programme, accounts, and a server on a free port.
// Each test binary uses its own part of this.
#![allow(dead_code, unused_macros)]

use gongkai_domain::people::Role;
use gongkai_domain::plan::understand;
use gongkai_store::scratch;
use gongkai_store::{NewUser, Store, UserId};
use gongkai_web::{AppState, secrets};
use reqwest::redirect::Policy;
use std::path::Path;

pub const TOWN: &str = "广州市从化区温泉镇人民政府";
pub const CIVIL: &str = "广州市从化区民政局";

/// The server key the tests' stores are signed with.
pub fn key() -> gongkai_domain::secret::SecretKey {
    gongkai_domain::secret::SecretKey::from_bytes([7; 32])
}

/// A store at `url` with the built-in directory and the seed programme.
pub async fn seeded_store(url: &str) -> Store {
    seeded_store_from(url, chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()).await
}

/// The same, the programme issued (印发) on `start`.
pub async fn seeded_store_from(url: &str, start: chrono::NaiveDate) -> Store {
    let store = Store::connect(url, &key()).await.unwrap();
    store.save_units(&gongkai_io::units_csv::conghua(), false, "测试").await.unwrap();
    let directory = store.directory().await.unwrap();
    let list = gongkai_io::read_task_list("seed.txt", gongkai_io::SEED_TASK_LIST.as_bytes()).unwrap();
    let heading = gongkai_store::PlanHeading::new("清单", "从化区", start);
    store.save_plan(&understand(&list, &directory, 2020), &heading, &directory, "测试").await.unwrap();
    store
}

pub async fn add_user(
    store: &Store,
    login: &str,
    role: Role,
    unit: Option<&str>,
    hash: &str,
    must_change: bool,
) -> UserId {
    let new = NewUser {
        login: login.into(),
        display_name: login.into(),
        role,
        unit: unit.map(String::from),
        password_hash: hash.to_string(),
        must_change_password: must_change,
    };
    store.create_user(&new, "测试").await.unwrap()
}

/// The HTTP client's TLS provider. The workspace's binary builds reqwest
/// without a built-in one (it installs ring), and cargo builds one reqwest
/// for every test, so the tests install it too before making a client.
pub fn tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Serves `store` on a free port as of 2020-11-25; gives the address.
pub async fn serve(store: &Store, files: &Path) -> String {
    serve_on(store, files, chrono::NaiveDate::from_ymd_opt(2020, 11, 25).unwrap()).await
}

/// Serves `store` on a free port as of `today`; gives the address.
pub async fn serve_on(store: &Store, files: &Path, today: chrono::NaiveDate) -> String {
    tls();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut state = AppState::new(store.clone());
    state.today = Some(today);
    state.files_dir = files.to_path_buf();
    // The tests' websites are on loopback.
    state.inspector.politeness.private_addresses = true;
    state.inspector.politeness.interval = std::time::Duration::from_millis(10);
    tokio::spawn(gongkai_web::serve(listener, state, std::future::pending()));
    address
}

pub const PASSWORD: &str = "测试密码-correct-horse";

pub struct App {
    pub address: String,
    /// The database's address, for a second connection ("another process").
    pub db_url: String,
    pub store: Store,
    /// Bearer token per login.
    pub tokens: Vec<(String, String)>,
    pub dir: tempfile::TempDir,
}

impl App {
    pub fn token(&self, login: &str) -> &str {
        &self.tokens.iter().find(|(l, _)| l == login).unwrap().1
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

pub async fn spawn_app(url: Option<String>) -> App {
    let dir = tempfile::tempdir().unwrap();
    let url = url.unwrap_or_else(|| scratch::sqlite_url(dir.path()));
    let store = seeded_store(&url).await;
    let hash = secrets::hash_password(PASSWORD).unwrap();
    let mut tokens = Vec::new();
    for (login, role, unit) in [
        ("office", Role::Office, None),
        ("viewer", Role::Viewer, None),
        ("admin", Role::Admin, None),
        ("town", Role::Handler, Some(TOWN)),
        ("townhead", Role::Head, Some(TOWN)),
        ("civil", Role::Handler, Some(CIVIL)),
        ("fresh", Role::Viewer, None),
    ] {
        let id = add_user(&store, login, role, unit, &hash, login == "fresh").await;
        let token = secrets::new_secret().unwrap();
        store.create_token(id, &secrets::secret_hash(&token), "测试", None, "测试").await.unwrap();
        tokens.push((login.to_string(), token));
    }
    let address = serve(&store, &dir.path().join("files")).await;
    App { address, db_url: url, store, tokens, dir }
}

pub fn browser() -> reqwest::Client {
    tls();
    reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
}

pub fn csrf_in(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
    page[at..at + 64].to_string()
}

pub async fn sign_in(app: &App, login: &str, password: &str) -> (reqwest::Client, reqwest::Response) {
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

/// One `#[tokio::test]` per backend for each story: a fresh app on SQLite,
/// and one on PostgreSQL where the test script provides a server.
macro_rules! on_both_backends {
    ($($story:ident => $sqlite:ident, $postgres:ident;)+) => {$(
        #[tokio::test]
        async fn $sqlite() {
            $story(common::spawn_app(None).await).await;
        }

        #[tokio::test]
        async fn $postgres() {
            let Some(server) = gongkai_store::scratch::postgres_server() else { return };
            let url = gongkai_store::scratch::postgres_url(&server).await.unwrap();
            $story(common::spawn_app(Some(url)).await).await;
        }
    )+};
}

/// Every page the router serves (GET; not the API, static files or file
/// downloads by name), with its ids filled in.
pub fn every_page(obligation: &str, task: &str, notice: &str, draft: &str) -> Vec<String> {
    gongkai_web::router::route_list()
        .into_iter()
        .filter(|r| r.method == "GET" && !r.path.starts_with("/api/") && !r.path.starts_with("/static/"))
        .filter(|r| !r.path.contains("{file}"))
        .map(|r| {
            let id = if r.path.starts_with("/notices/drafts/") {
                draft
            } else if r.path.starts_with("/notices/") {
                notice
            } else if r.path.starts_with("/tasks/") {
                task
            } else if r.path.starts_with("/public/plans/") || r.path.starts_with("/plans/") {
                "1"
            } else {
                obligation
            };
            r.path.replace("{id}", id)
        })
        .collect()
}
