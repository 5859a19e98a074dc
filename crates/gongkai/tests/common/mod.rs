//! What the binary's tests share: the binary run as a user runs it, and a
//! ledger with a year's worth of one report in it.
#![allow(dead_code)]

use gongkai_domain::people::Role;
use gongkai_store::{Decision, NewAttachment, NewSubmission, NewUser, ObligationFilter, Store};
use std::path::Path;
use std::process::Command;

pub const TOWN: &str = "广州市从化区温泉镇人民政府";
pub const REPORTED: &str = "公示栏照片齐全";
/// The evidence file's bytes, kept in `files/` beside the database.
pub const EVIDENCE: &[u8] = b"%PDF-1.4\n%%EOF\n";

/// Runs the binary; its output when it succeeds.
pub fn gongkai(db: &str, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_gongkai")).args(["--db", db]).args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The seed programme with 温泉镇's village report accepted, with evidence.
pub async fn scripted(dir: &Path) -> (String, Store) {
    let db = format!("sqlite://{}", dir.join("g.db").display());
    let seed = format!("{}/../../../shared/seed/conghua-2020-tasklist.docx", env!("CARGO_MANIFEST_DIR"));
    tokio::task::block_in_place(|| gongkai(&db, &["import", &seed, "--year", "2020"]));
    let store = Store::connect(&db).await.unwrap();
    let mut ids = Vec::new();
    for (login, role, unit) in [("town", Role::Handler, Some(TOWN)), ("office", Role::Office, None)] {
        let new = NewUser {
            login: login.into(),
            display_name: login.into(),
            role,
            unit: unit.map(String::from),
            password_hash: "unused".into(),
            must_change_password: false,
        };
        ids.push(store.create_user(&new, "测试").await.unwrap());
    }
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
