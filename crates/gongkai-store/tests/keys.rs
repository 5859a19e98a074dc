//! The store's part in keeping evidence: a log written before it was keyed
//! is signed once (its old chain checked and the finding recorded), a log
//! signed with another key is refused, backups cover every table the
//! migrations make, on SQLite and PostgreSQL.

use gongkai_domain::audit::{AuditEntry, GENESIS, unkeyed_hash};
use gongkai_domain::secret::SecretKey;
use gongkai_store::{NOT_BACKED_UP, Store, StoreError, TABLES, scratch};

fn key(byte: u8) -> SecretKey {
    SecretKey::from_bytes([byte; 32])
}

/// SQL run directly on the database, as an older version of gongkai (or
/// someone with database access) would.
async fn execute(url: &str, sql: &str, binds: &[String]) {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
        for b in binds {
            query = query.bind(b);
        }
        query.execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
        for b in binds {
            query = query.bind(b);
        }
        query.execute(&mut conn).await.unwrap();
    }
}

/// Rewrites the log as gongkai wrote it before it had a key: plain SHA-256
/// links, no key named; `edit` changes one entry's actor first, unlinked.
async fn as_before_keys(url: &str, entries: &[AuditEntry], edit: Option<i64>) {
    let mut prev = GENESIS.to_string();
    for entry in entries {
        let hash = unkeyed_hash(&prev, entry.seq, entry.content());
        execute(
            url,
            "UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE seq = CAST($3 AS BIGINT)",
            &[prev.clone(), hash.clone(), entry.seq.to_string()],
        )
        .await;
        prev = hash;
    }
    execute(url, "UPDATE audit_head SET hash = $1, key_id = NULL", &[prev]).await;
    if let Some(seq) = edit {
        execute(url, "UPDATE audit_events SET actor = '某人' WHERE seq = CAST($1 AS BIGINT)", &[seq.to_string()]).await;
    }
}

async fn story(url: &str, other_url: &str) {
    let store = Store::connect(url, &key(1)).await.unwrap();
    store.save_units(&gongkai_io::units_csv::conghua(), false, "测试").await.unwrap();
    store.save_units(&gongkai_io::units_csv::conghua()[..3], false, "测试").await.unwrap();
    let entries = store.audit_entries(None, None, 100).await.unwrap().into_iter().rev().collect::<Vec<_>>();
    store.close().await;

    // An older log, intact: signed at the next start, the check recorded.
    as_before_keys(url, &entries, None).await;
    let store = Store::connect(url, &key(1)).await.unwrap();
    assert_eq!(store.verify_audit(&[]).await.unwrap(), Ok(3));
    let signed = store.audit_entries(None, Some("audit.sign"), 10).await.unwrap();
    assert!(signed[0].after.as_deref().unwrap().contains("原哈希链完好"), "{signed:?}");
    store.close().await;

    // Another key is refused, not used to write on.
    assert!(matches!(Store::connect(url, &key(2)).await, Err(StoreError::WrongKey)));

    // An older log someone had edited: signed, and the finding kept in the log.
    let other = Store::connect(other_url, &key(1)).await.unwrap();
    other.save_units(&gongkai_io::units_csv::conghua(), false, "测试").await.unwrap();
    other.save_units(&gongkai_io::units_csv::conghua()[..3], false, "测试").await.unwrap();
    let entries = other.audit_entries(None, None, 100).await.unwrap().into_iter().rev().collect::<Vec<_>>();
    other.close().await;
    as_before_keys(other_url, &entries, Some(2)).await;
    let other = Store::connect(other_url, &key(1)).await.unwrap();
    let signed = other.audit_entries(None, Some("audit.sign"), 10).await.unwrap();
    assert!(signed[0].after.as_deref().unwrap().contains("第 2 条"), "{signed:?}");

    // Backups cover every table but the few left out on purpose.
    let mut names = other.table_names().await.unwrap();
    names.retain(|n| !NOT_BACKED_UP.contains(&n.as_str()));
    names.sort();
    let mut listed: Vec<String> = TABLES.iter().map(|t| t.to_string()).collect();
    listed.sort();
    assert_eq!(names, listed, "a table the migrations make is missing from backups (or listed but gone)");
}

#[tokio::test]
async fn keys_and_tables_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(&scratch::sqlite_url(dir.path()), &scratch::sqlite_url(dir.path())).await;
}

#[tokio::test]
async fn keys_and_tables_on_postgres() {
    let Some(server) = scratch::postgres_server() else { return };
    let (one, two) = (scratch::postgres_url(&server).await.unwrap(), scratch::postgres_url(&server).await.unwrap());
    story(&one, &two).await;
}
