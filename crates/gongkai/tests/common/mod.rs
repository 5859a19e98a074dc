//! What the binary's tests share: the binary run as a user runs it, and a
//! ledger with a year's worth of one report in it.
#![allow(dead_code)]

use gongkai_domain::people::Role;
use gongkai_store::{Decision, NewAttachment, NewSubmission, NewUser, ObligationFilter, Store, UserId};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const TOWN: &str = "广州市从化区温泉镇人民政府";
pub const REPORTED: &str = "公示栏照片齐全";
/// The evidence file's bytes, kept in `files/` beside the database.
pub const EVIDENCE: &[u8] = b"%PDF-1.4\n%%EOF\n";

/// The server key the tests run with (given in the environment, so that no
/// key file is made beside the sources when a test uses PostgreSQL).
pub const KEY_HEX: &str = "7e57000000000000000000000000000000000000000000000000000000007e57";

pub fn key() -> gongkai_domain::secret::SecretKey {
    gongkai_domain::secret::SecretKey::from_hex(KEY_HEX).unwrap()
}

/// The binary, with the tests' key and no database from the environment.
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    command.env("GONGKAI__SECRET__KEY", KEY_HEX).env_remove("GONGKAI__DATABASE__URL");
    command
}

/// Runs the binary; its output when it succeeds.
pub fn gongkai(db: &str, args: &[&str]) -> String {
    let output = command().args(["--db", db]).args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The seed programme with 温泉镇's village report accepted, with evidence.
pub async fn scripted(dir: &Path) -> (String, Store) {
    let db = format!("sqlite://{}", dir.join("g.db").display());
    let seed = format!("{}/../../../shared/seed/conghua-2020-tasklist.docx", env!("CARGO_MANIFEST_DIR"));
    tokio::task::block_in_place(|| gongkai(&db, &["import", &seed, "--year", "2020"]));
    let store = Store::connect(&db, &key()).await.unwrap();
    let ids = [user(&store, "town", Role::Handler, Some(TOWN)).await, user(&store, "office", Role::Office, None).await];
    let own = store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    let report = own.iter().find(|o| o.due == chrono::NaiveDate::from_ymd_opt(2020, 11, 30)).unwrap();
    let new = NewSubmission {
        obligation_id: report.id,
        author_id: ids[0],
        text: format!("已完成全镇村（居）务公开督导，{REPORTED}。"),
        published_url: Some("https://www.conghua.gov.cn/wq/2020/cjgk.html".into()),
        evidence_date: None,
        submitted_on: chrono::NaiveDate::from_ymd_opt(2020, 11, 28).unwrap(),
        files: vec![NewAttachment {
            file_name: "督导记录.pdf".into(),
            content_type: "application/pdf".into(),
            size: EVIDENCE.len() as i64,
            sha256: gongkai_web::files::store(&dir.join("files"), EVIDENCE).unwrap(),
        }],
    };
    store.submit(&new, "town").await.unwrap();
    store.review(report.id, ids[1], Decision::Accept, "", "office").await.unwrap();
    (db, store)
}

/// An account made as an administrator makes one: `user add --password-stdin`.
pub fn add_account(db: &str, login: &str, role: &str, unit: Option<&str>) {
    let mut args = vec!["--db", db, "user", "add", "--login", login, "--role", role, "--password-stdin"];
    if let Some(unit) = unit {
        args.extend(["--unit", unit]);
    }
    let mut child =
        command().args(args).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::null()).spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), "一个足够长的密码 2020\n".as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "user add {login}");
}

/// An account for scripted history (nobody signs in with it).
pub async fn user(store: &Store, login: &str, role: Role, unit: Option<&str>) -> UserId {
    let new = NewUser {
        login: login.into(),
        display_name: login.into(),
        role,
        unit: unit.map(String::from),
        password_hash: "unused".into(),
        must_change_password: false,
    };
    store.create_user(&new, "测试").await.unwrap()
}

/// A running `gongkai serve`, killed (SIGKILL) when dropped.
pub struct Server {
    pub child: std::process::Child,
    pub address: String,
    /// What it printed before it was ready.
    pub output: Vec<String>,
    /// Reminder passes it has finished, counted from its log.
    passes: Arc<AtomicUsize>,
}

impl Server {
    pub fn passes(&self) -> usize {
        self.passes.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `gongkai serve` on a free port and waits until it answers.
pub fn start(db: &str, args: &[&str]) -> Server {
    use std::io::BufRead;
    let mut child = command()
        .args(["--db", db, "serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .env_remove("GONGKAI__DATABASE__URL")
        .env("GONGKAI_LOG", "warn,gongkai::commands::serve=debug")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut output = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        output.push(line.clone());
        if let Some(rest) = line.split("http://").nth(1) {
            let address = rest.split('/').next().unwrap().to_string();
            // Keep reading, so that the server never blocks on a full pipe,
            // and count the passes its log reports.
            let passes = Arc::new(AtomicUsize::new(0));
            let counted = passes.clone();
            std::thread::spawn(move || {
                for line in lines.map_while(Result::ok) {
                    if line.contains("reminder pass finished") {
                        counted.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
            return Server { child, address, output, passes };
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("gongkai serve did not start: {output:?}");
}

/// Waits (a minute at most) until `done` holds: tests wait on what they
/// need, never for a fixed time.
pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..600 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("waited a minute for {what}");
}
