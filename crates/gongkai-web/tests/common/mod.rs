//! What the web tests share: a database with the 从化区 directory and the
//! seed programme, accounts, and a server on a free port.

use gongkai_domain::people::Role;
use gongkai_domain::plan::understand;
use gongkai_store::{NewUser, Store};
use gongkai_web::AppState;
use std::path::Path;

pub const TOWN: &str = "广州市从化区温泉镇人民政府";
pub const CIVIL: &str = "广州市从化区民政局";

/// A store at `url` with the built-in directory and the seed programme.
pub async fn seeded_store(url: &str) -> Store {
    let store = Store::connect(url).await.unwrap();
    store.save_units(&gongkai_io::units_csv::conghua(), false, "测试").await.unwrap();
    let directory = store.directory().await.unwrap();
    let list = gongkai_io::read_task_list("seed.txt", gongkai_io::SEED_TASK_LIST.as_bytes()).unwrap();
    store.save_plan(&understand(&list, &directory, 2020), "清单", "从化区", &directory, "测试").await.unwrap();
    store
}

pub async fn add_user(
    store: &Store,
    login: &str,
    role: Role,
    unit: Option<&str>,
    hash: &str,
    must_change: bool,
) -> i64 {
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

/// Serves `store` on a free port as of 2020-11-25; gives the address.
pub async fn serve(store: &Store, files: &Path) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut state = AppState::new(store.clone());
    state.today = chrono::NaiveDate::from_ymd_opt(2020, 11, 25);
    state.files_dir = files.to_path_buf();
    tokio::spawn(gongkai_web::serve(listener, state, std::future::pending()));
    address
}
