//! The command line under the attacker's review: inputs read within limits,
//! an audit log and backups that whoever holds the database cannot rewrite,
//! and credentials with a lifecycle.

mod common;

use common::{KEY_HEX, scripted};
use gongkai_domain::audit::{AuditEntry, unkeyed_hash};
use sqlx::sqlite::SqlitePool;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Output, Stdio};

fn run(db: &str, args: &[&str]) -> Output {
    common::command().args(["--db", db]).args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn ok(output: Output) -> String {
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

fn seed_docx() -> String {
    format!("{}/../../../shared/seed/conghua-2020-tasklist.docx", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn files_and_arguments_are_read_within_their_limits() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    // A device that never ends is read up to the list limit, then refused.
    let endless = run(&db, &["import", "/dev/zero", "--dry-run"]);
    assert_eq!(endless.status.code(), Some(1));
    assert!(stderr(&endless).contains("上限"), "{}", stderr(&endless));
    // Years and dates outside 2000–2100 never reach the date arithmetic.
    for args in [
        vec!["import", seed_docx().leak(), "--year", "99999"],
        vec!["obligations", "--due-before=-262143-01-01"],
        vec!["remind", "run", "--now", "2101-01-01"],
        vec!["calendar", "add-working-days", "2024-09-27", "99999999"],
    ] {
        let refused = run(&db, &args);
        assert_eq!(refused.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&refused).contains("2000") || stderr(&refused).contains("3650"),
            "{args:?}: {}",
            stderr(&refused)
        );
    }
}

/// An audit row as the database holds it.
type Row = (i64, String, String, String, String, Option<String>, Option<String>, String, String);

/// Every entry, read straight from the database file.
async fn entries(pool: &SqlitePool) -> Vec<AuditEntry> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT seq, at, actor, action, target, before, after, prev_hash, hash FROM audit_events ORDER BY seq",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(seq, at, actor, action, target, before, after, prev_hash, hash)| AuditEntry {
            seq,
            at,
            actor,
            action,
            target,
            before,
            after,
            prev_hash,
            hash,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whoever_holds_the_database_cannot_rewrite_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let seed = seed_docx();
    // A log with a checkpoint in the middle of it, twice over.
    let prepared = |name: &str| {
        let db = format!("sqlite://{}", dir.path().join(name).display());
        tokio::task::block_in_place(|| {
            ok(run(&db, &["import", &seed, "--year", "2020"]));
            common::add_account(&db, "office", "office", None);
            assert!(ok(run(&db, &["audit", "checkpoint"])).contains("已签发检查点"));
            common::add_account(&db, "viewer", "viewer", None);
            assert!(ok(run(&db, &["audit", "verify"])).contains("完好"));
        });
        db
    };
    let (db, copy_db) = (prepared("g.db"), prepared("copy.db"));
    assert!(dir.path().join("audit-checkpoints-copy.jsonl").exists(), "published beside the key");
    let pool = SqlitePool::connect(&db).await.unwrap();

    // Forge a reviewer and re-chain every entry the only way open without the key.
    let mut chain = entries(&pool).await;
    chain[1].actor = "伪造的审核人".into();
    let mut prev = gongkai_domain::audit::GENESIS.to_string();
    for entry in &mut chain {
        entry.prev_hash = prev.clone();
        entry.hash = unkeyed_hash(&prev, entry.seq, entry.content());
        prev = entry.hash.clone();
        sqlx::query("UPDATE audit_events SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
            .bind(&entry.actor)
            .bind(&entry.prev_hash)
            .bind(&entry.hash)
            .bind(entry.seq)
            .execute(&pool)
            .await
            .unwrap();
    }
    sqlx::query("UPDATE audit_head SET hash = $1").bind(&prev).execute(&pool).await.unwrap();
    pool.close().await;
    let forged = tokio::task::block_in_place(|| run(&db, &["audit", "verify"]));
    assert_eq!(forged.status.code(), Some(1));
    assert!(stderr(&forged).contains("第 1 条") && stderr(&forged).contains("签名不符"), "{}", stderr(&forged));

    // Cut the log back past its checkpoint, mend the head, drop the stored
    // checkpoints: the published one still tells.
    let pool = SqlitePool::connect(&copy_db).await.unwrap();
    let chain = entries(&pool).await;
    let keep = chain.len() - 3;
    sqlx::query("DELETE FROM audit_events WHERE seq > $1").bind(keep as i64).execute(&pool).await.unwrap();
    sqlx::query("UPDATE audit_head SET count = $1, hash = $2")
        .bind(keep as i64)
        .bind(&chain[keep - 1].hash)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_checkpoints").execute(&pool).await.unwrap();
    pool.close().await;
    let cut = tokio::task::block_in_place(|| run(&copy_db, &["audit", "verify"]));
    assert_eq!(cut.status.code(), Some(1));
    assert!(stderr(&cut).contains("检查点"), "{}", stderr(&cut));
}

#[test]
fn the_key_lives_beside_the_database_and_another_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("data/g.db").display());
    let without_key = || {
        let mut command = common::command();
        command.env_remove("GONGKAI__SECRET__KEY");
        command
    };
    let made = without_key().args(["--db", &db, "units", "list"]).output().unwrap();
    assert!(made.status.success(), "{}", stderr(&made));
    let key = dir.path().join("data/secret.key");
    let text = std::fs::read_to_string(&key).unwrap();
    assert_eq!(text.trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // The same key next time; another key is told, not silently used.
    assert!(without_key().args(["--db", &db, "audit", "verify"]).output().unwrap().status.success());
    let other = common::command()
        .env("GONGKAI__SECRET__KEY", "1".repeat(64))
        .args(["--db", &db, "audit", "verify"])
        .output()
        .unwrap();
    assert!(!other.status.success());
    assert!(stderr(&other).contains("另一把密钥"), "{}", stderr(&other));
    // A key file made for a database signed with another one is not left behind.
    std::fs::rename(&key, dir.path().join("moved.key")).unwrap();
    let lost = without_key().args(["--db", &db, "audit", "verify"]).output().unwrap();
    assert!(!lost.status.success() && stderr(&lost).contains("另一把密钥"), "{}", stderr(&lost));
    assert!(!key.exists());
}

#[test]
fn accounts_and_tokens_have_a_lifecycle_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let add = |password: &str| {
        let mut child = common::command()
            .args([
                "--db",
                &db,
                "user",
                "add",
                "--login",
                "wq",
                "--role",
                "handler",
                "--unit",
                "温泉镇",
                "--password-stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    for (weak, why) in [("短的密码", "12"), ("1qaz2wsx3edc", "常见")] {
        let refused = add(weak);
        assert_eq!(refused.status.code(), Some(1), "{weak}");
        assert!(stderr(&refused).contains(why), "{weak}: {}", stderr(&refused));
    }
    assert!(add("温泉镇承办人的密码 2020").status.success());

    let made = ok(run(&db, &["token", "create", "--login", "wq", "--name", "同步脚本", "--expires-days", "30"]));
    assert!(made.contains("有效至"), "{made}");
    let listed = ok(run(&db, &["token", "list", "--json"]));
    let tokens: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let id = tokens[0]["id"].as_i64().unwrap();
    assert_eq!(tokens[0]["name"], "同步脚本");
    assert!(tokens[0]["expires_at"].is_string());
    ok(run(&db, &["token", "revoke", &id.to_string()]));
    assert!(ok(run(&db, &["token", "list"])).contains("已撤销"));
    assert_eq!(run(&db, &["token", "revoke", "99999"]).status.code(), Some(1));

    ok(run(&db, &["user", "disable", "--login", "wq"]));
    assert!(ok(run(&db, &["user", "list"])).contains("已停用"));
    ok(run(&db, &["user", "enable", "--login", "wq"]));
    let reset = ok(run(&db, &["user", "reset-password", "--login", "wq"]));
    let password = reset.split('：').next_back().unwrap().trim();
    assert_eq!(password.chars().count(), 16, "{reset}");
    let users: serde_json::Value = serde_json::from_str(&ok(run(&db, &["user", "list", "--json"]))).unwrap();
    assert_eq!(users[0]["must_change_password"], true);
    assert_eq!(run(&db, &["user", "disable", "--login", "nobody"]).status.code(), Some(1));
    // The list reads in words; the JSON keeps the codes.
    let audit = ok(run(&db, &["audit", "list", "--limit", "20"]));
    for action in ["撤销接口令牌", "停用账号", "启用账号", "重置密码"] {
        assert!(audit.contains(action), "{action}: {audit}");
    }
    let audit = ok(run(&db, &["audit", "list", "--limit", "20", "--json"]));
    for action in ["token.revoke", "user.disable", "user.enable", "user.reset"] {
        assert!(audit.contains(action), "{action}: {audit}");
    }
}

/// Rewrites one part of a zip; the rest is copied as it is.
fn rewrite(zip: &Path, part: &str, edit: impl Fn(Vec<u8>) -> Vec<u8>, out: &Path) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut body = Vec::new();
        entry.read_to_end(&mut body).unwrap();
        if name == part {
            body = edit(body);
        }
        writer.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(&body).unwrap();
    }
    writer.finish().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_or_forged_backup_restores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = scripted(dir.path()).await;
    let town = store.user_by_login("town").await.unwrap().unwrap();
    assert_eq!(town.role.as_str(), "handler");
    let backup = dir.path().join("备份.zip");
    let files = dir.path().join("files");
    tokio::task::block_in_place(|| {
        ok(run(&db, &["backup", backup.to_str().unwrap(), "--files", files.to_str().unwrap()]))
    });
    let restore = |zip: &Path, n: usize, key: &str| {
        let target = format!("sqlite://{}", dir.path().join(format!("restored-{n}.db")).display());
        let output = common::command()
            .env("GONGKAI__SECRET__KEY", key)
            .args(["--db", &target, "restore", zip.to_str().unwrap(), "--files"])
            .arg(dir.path().join(format!("files-{n}")))
            .output()
            .unwrap();
        (output, target)
    };
    let empty = |target: String| async move {
        let store = gongkai_store::Store::connect(&target, &common::key()).await.unwrap();
        (store.user_count().await.unwrap(), store.unit_count().await.unwrap())
    };

    // A handler made office in the users part: the part no longer matches its MAC.
    let edited = dir.path().join("edited.zip");
    rewrite(
        &backup,
        "tables/users.jsonl",
        |body| String::from_utf8(body).unwrap().replace("\"handler\"", "\"office\" ").into_bytes(),
        &edited,
    );
    let (refused, target) = tokio::task::block_in_place(|| restore(&edited, 1, KEY_HEX));
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("与清单不符") && stderr(&refused).contains("未恢复任何内容"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(empty(target).await, (0, 0), "nothing restored");
    assert!(!dir.path().join("files-1").exists(), "no file written");

    // Restored with another server's key: the manifest's signature fails.
    let (refused, _) = tokio::task::block_in_place(|| restore(&backup, 2, &"2".repeat(64)));
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("签名不符"), "{}", stderr(&refused));

    // Signed with the right key but holding a role that does not exist.
    let forged = dir.path().join("forged.zip");
    {
        let key = common::key().derive(gongkai_domain::secret::Purpose::Backup);
        let mut writer = gongkai_io::backup::BackupWriter::new(std::fs::File::create(&forged).unwrap(), key);
        writer.begin_table("users").unwrap();
        writer
            .row(r#"{"id":1,"login":"x","display_name":"x","role":"superuser","unit_id":null,"password_hash":"x","must_change_password":false,"disabled":false,"created_at":"2020-01-01T00:00:00Z"}"#)
            .unwrap();
        writer.finish("2020-01-01T00:00:00Z").unwrap();
    }
    let (refused, target) = tokio::task::block_in_place(|| restore(&forged, 3, KEY_HEX));
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("superuser"), "{}", stderr(&refused));
    assert_eq!(empty(target).await, (0, 0));

    // A backup of a log edited behind the application's back: the restore
    // checks the chain before it says it succeeded.
    let file = db.strip_prefix("sqlite://").unwrap();
    let pool = SqlitePool::connect(&format!("sqlite://{file}")).await.unwrap();
    sqlx::query("UPDATE audit_events SET actor = '伪造' WHERE seq = 2").execute(&pool).await.unwrap();
    pool.close().await;
    let broken = dir.path().join("broken.zip");
    tokio::task::block_in_place(|| {
        ok(run(&db, &["backup", broken.to_str().unwrap(), "--files", files.to_str().unwrap()]))
    });
    let (refused, target) = tokio::task::block_in_place(|| restore(&broken, 4, KEY_HEX));
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("审计日志校验失败"), "{}", stderr(&refused));
    assert_eq!(empty(target).await, (0, 0));
}
