//! Backup while serving, then restore into new databases of both kinds:
//! the same rows, the same evidence files, an intact audit chain.

mod common;

use common::{EVIDENCE, gongkai, scripted};
use gongkai_store::{ObligationFilter, Store, UserId};

/// Times rounded to the microsecond, as PostgreSQL keeps them.
fn microseconds(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) if text.ends_with('Z') && text.contains('.') => {
            if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
                let nanos = time.timestamp_subsec_nanos() as i64;
                // As PostgreSQL rounds (half to even: .5 µs goes to the even one).
                let (micros, rest) = (nanos / 1000, nanos % 1000);
                let micros = micros + i64::from(rest > 500 || (rest == 500 && micros % 2 == 1));
                let rounded = time - chrono::Duration::nanoseconds(nanos) + chrono::Duration::microseconds(micros);
                *text = rounded.to_utc().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(microseconds),
        serde_json::Value::Object(map) => map.values_mut().for_each(microseconds),
        _ => {}
    }
}

/// What a user sees of a ledger, typed, so that backends compare.
async fn picture(store: &Store) -> serde_json::Value {
    let obligations = store.obligations(&ObligationFilter::default()).await.unwrap();
    let mut reports = Vec::new();
    for o in obligations.iter().filter(|o| o.status != "pending") {
        reports.push(serde_json::to_value(store.submissions(o.id).await.unwrap()).unwrap());
    }
    let audit: Vec<String> =
        store.audit_entries(None, None, 10_000).await.unwrap().into_iter().map(|e| e.hash).collect();
    serde_json::json!({
        "obligations": obligations, "reports": reports, "tasks": store.tasks().await.unwrap(),
        "units": store.directory().await.unwrap().units(), "audit": audit, "plans": store.plans().await.unwrap(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_restores_into_sqlite_and_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = scripted(dir.path()).await;
    let before = picture(&store).await;
    let files = dir.path().join("files");
    let backup = dir.path().join("备份.zip");

    // Online: the server keeps the database open (and its scheduler writing).
    let server =
        tokio::task::block_in_place(|| common::start(&db, &["--remind-every-seconds", "1", "--now", "2020-12-01"]));
    common::wait_until("a reminder pass", || server.passes() > 0).await;
    let said = tokio::task::block_in_place(|| {
        gongkai(&db, &["backup", backup.to_str().unwrap(), "--files", files.to_str().unwrap()])
    });
    drop(server);
    assert!(said.contains("1 个附件"), "{said}");

    let mut targets = vec![format!("sqlite://{}", dir.path().join("restored.db").display())];
    if let Some(server) = gongkai_store::scratch::postgres_server() {
        targets.push(gongkai_store::scratch::postgres_url(&server).await.unwrap());
    }
    for (n, target) in targets.iter().enumerate() {
        let restored_files = dir.path().join(format!("restored-files-{n}"));
        tokio::task::block_in_place(|| {
            gongkai(target, &["restore", backup.to_str().unwrap(), "--files", restored_files.to_str().unwrap()])
        });
        let restored = Store::connect(target, &common::key()).await.unwrap();
        let mut now = picture(&restored).await;
        // The server's reminder pass wrote after `before` was taken; compare what was there.
        let original = Store::connect(&db, &common::key()).await.unwrap();
        let mut then = picture(&original).await;
        for picture in [&mut now, &mut then] {
            picture.as_object_mut().unwrap().remove("audit");
            microseconds(picture);
        }
        for key in ["obligations", "reports", "tasks", "units", "plans"] {
            let (a, b) = (now[key].as_array().unwrap(), then[key].as_array().unwrap());
            assert_eq!(a.len(), b.len(), "{target}: {key}");
            for (x, y) in a.iter().zip(b) {
                assert_eq!(x, y, "{target}: {key} differ");
            }
        }
        assert_eq!(before["obligations"], now["obligations"]);
        assert!(restored.verify_audit(&[]).await.unwrap().is_ok(), "{target}: the audit chain verifies");
        let sha = now["reports"][0][0]["attachments"][0]["sha256"].as_str().unwrap().to_string();
        assert_eq!(gongkai_web::files::read(&restored_files, &sha).unwrap(), EVIDENCE);
        // A restored database keeps numbering after the restored ids.
        let id = restored
            .create_user(
                &gongkai_store::NewUser {
                    login: "new".into(),
                    display_name: "new".into(),
                    role: gongkai_domain::people::Role::Viewer,
                    unit: None,
                    password_hash: "x".into(),
                    must_change_password: false,
                },
                "测试",
            )
            .await
            .unwrap();
        assert!(id > UserId(2), "{target}: a new id after the restored ones");
        // Restoring over data is refused, and changes nothing.
        let again = common::command()
            .args(["--db", target, "restore", backup.to_str().unwrap(), "--files", restored_files.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(again.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&again.stderr).contains("空数据库"));
    }

    let garbage = dir.path().join("garbage.zip");
    std::fs::write(&garbage, b"not a backup").unwrap();
    let refused = common::command()
        .args([
            "--db",
            &format!("sqlite://{}", dir.path().join("x.db").display()),
            "restore",
            garbage.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("不是 gongkai 的备份文件"));
}
