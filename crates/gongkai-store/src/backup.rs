//! Backup and restore, portable between the backends: every table's rows as
//! JSON text, streamed out of one snapshot (so a backup taken while serving
//! is consistent and takes memory for one row at a time), and written back
//! into a new, empty database of either kind inside one transaction that
//! checks every value's domain and the audit chain before it commits.
//! Rows keep their ids and the audit log its hashes.

use crate::{BeginWrite, Pool, Store, StoreError, StoreResult};
use gongkai_domain::audit::{self, AuditEntry, Checkpoint};
use serde_json::Value;

/// Backups from before obligations carried their task's number (migration
/// 0011) restore without it; it is filled in from the tasks.
const FILL_TASK_SEQ: &str = "UPDATE obligations SET task_seq = (SELECT seq FROM tasks WHERE tasks.id = obligations.task_id) WHERE task_seq IS NULL";

/// Tables in the order their references need; `audit_head` is written over
/// the row every new database has.
pub const TABLES: [&str; 39] = [
    "units",
    "plans",
    "tasks",
    "milestones",
    "obligations",
    "calendar_days",
    "users",
    "api_tokens",
    "audit_events",
    "audit_head",
    "audit_checkpoints",
    "submissions",
    "attachments",
    "reviews",
    "calendar_feeds",
    "unit_contacts",
    "reminder_events",
    "deliveries",
    "notices",
    "extensions",
    "confirmed_members",
    "bonus_awards",
    "job_first_runs",
    "notice_drafts",
    "self_inspections",
    "column_maps",
    "catalogues",
    "catalogue_items",
    "catalogue_events",
    "published_records",
    "inspection_runs",
    "inspection_fetches",
    "findings",
    "foi_requests",
    "foi_events",
    "foi_documents",
    "foi_cases",
    "foi_reports",
    "foi_templates",
];

/// Tables a backup leaves out on purpose: sign-ins (a restored system signs
/// everyone in again), counts of failed sign-ins, the ledger's version
/// counters (a new database starts its own), and the migrations' record.
pub const NOT_BACKED_UP: [&str; 4] = ["sessions", "login_failures", "ledger_versions", "_sqlx_migrations"];

/// Tables whose `id` the database numbers (PostgreSQL's sequences follow).
const NUMBERED: [&str; 29] = [
    "units",
    "plans",
    "tasks",
    "milestones",
    "obligations",
    "users",
    "api_tokens",
    "submissions",
    "attachments",
    "reviews",
    "reminder_events",
    "deliveries",
    "notices",
    "extensions",
    "bonus_awards",
    "notice_drafts",
    "self_inspections",
    "catalogues",
    "catalogue_items",
    "catalogue_events",
    "published_records",
    "inspection_runs",
    "inspection_fetches",
    "findings",
    "foi_requests",
    "foi_events",
    "foi_documents",
    "foi_cases",
    "foi_reports",
];

/// The column whose values must be one of an enum's words, per table: a
/// backup with any other word is refused.
fn domain(table: &str) -> Option<(&'static str, Vec<&'static str>)> {
    use gongkai_domain::status::{Decision, DeliveryStatus, DraftStatus, ExtensionStatus, ObligationStatus};
    Some(match table {
        "users" => ("role", gongkai_domain::people::Role::ALL.iter().map(|r| r.as_str()).collect()),
        "obligations" => ("status", ObligationStatus::ALL.iter().map(|s| s.as_str()).collect()),
        "reviews" => ("decision", Decision::ALL.iter().map(|s| s.as_str()).collect()),
        "extensions" => ("status", ExtensionStatus::ALL.iter().map(|s| s.as_str()).collect()),
        "deliveries" => ("status", DeliveryStatus::ALL.iter().map(|s| s.as_str()).collect()),
        "notice_drafts" => ("status", DraftStatus::ALL.iter().map(|s| s.as_str()).collect()),
        "units" => ("kind", gongkai_domain::units::UnitKind::ALL.iter().map(|k| k.as_str()).collect()),
        _ => return None,
    })
}

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

impl Store {
    /// The names of the tables in this database.
    pub async fn table_names(&self) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> =
            match &self.pool {
                Pool::Sqlite(pool) => sqlx::query_as(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .fetch_all(pool)
                .await?,
                Pool::Postgres(pool) => {
                    sqlx::query_as(
                        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
                    )
                    .fetch_all(pool)
                    .await?
                }
            };
        Ok(rows.into_iter().map(|(name,)| name).collect())
    }

    /// Every backed-up table's rows, read in one snapshot and handed to
    /// `each` one at a time as (table, Some(JSON text)); (table, None) starts
    /// each table.
    pub async fn dump<E: From<StoreError>>(
        &self,
        mut each: impl FnMut(&str, Option<&str>) -> Result<(), E>,
    ) -> Result<usize, E> {
        use futures_util::TryStreamExt;
        let mut count = 0;
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut tx = pool.begin().await.map_err(StoreError::from)?;
                for table in TABLES {
                    each(table, None)?;
                    let columns: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                    )))
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
                    let pairs: Vec<String> = columns.iter().map(|(c,)| format!("'{c}', {}", quoted(c))).collect();
                    let sql = format!("SELECT json_object({}) FROM {table} ORDER BY rowid", pairs.join(", "));
                    let mut rows = sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
                    while let Some((row,)) = rows.try_next().await.map_err(StoreError::from)? {
                        each(table, Some(&row))?;
                        count += 1;
                    }
                }
                tx.commit().await.map_err(StoreError::from)?;
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(StoreError::from)?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
                for table in TABLES {
                    each(table, None)?;
                    let sql = format!("SELECT row_to_json(t)::text FROM {table} t ORDER BY t");
                    let mut rows = sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
                    while let Some((row,)) = rows.try_next().await.map_err(StoreError::from)? {
                        each(table, Some(&row))?;
                        count += 1;
                    }
                }
                tx.commit().await.map_err(StoreError::from)?;
            }
        }
        Ok(count)
    }

    /// Starts writing a backup into this database, which must be new:
    /// nothing but what a fresh database has. Rows go in with
    /// [`Restore::insert`]; nothing is kept unless [`Restore::finish`] says so.
    pub async fn begin_restore(&self) -> StoreResult<Restore> {
        let (units,): (i64,) =
            crate::on_pool!(self, pool => sqlx::query_as("SELECT COUNT(*) FROM units").fetch_one(pool).await?);
        let (users,): (i64,) =
            crate::on_pool!(self, pool => sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(pool).await?);
        if units + users > 0 {
            return Err(StoreError::Invalid("只能恢复到新建的空数据库：这个数据库里已有数据".into()));
        }
        let tx = match &self.pool {
            Pool::Sqlite(pool) => RestoreTx::Sqlite(pool.begin_write().await?),
            Pool::Postgres(pool) => {
                let mut tx = pool.begin_write().await?;
                sqlx::query("DELETE FROM audit_head").execute(&mut *tx).await?;
                RestoreTx::Postgres(tx)
            }
        };
        Ok(Restore { tx, count: 0, statements: std::collections::HashMap::new() })
    }
}

enum RestoreTx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// A restore in progress: one transaction, rolled back unless finished.
pub struct Restore {
    tx: RestoreTx,
    count: usize,
    /// The insert statement of each table, made once.
    statements: std::collections::HashMap<String, String>,
}

/// Refuses a row whose values are outside their column's domain.
fn check_domain(table: &str, row: &Value) -> StoreResult<()> {
    let Some((column, allowed)) = domain(table) else { return Ok(()) };
    let value = row.get(column).and_then(Value::as_str).unwrap_or_default();
    if !allowed.contains(&value) {
        let shown: String = value.chars().take(40).collect();
        return Err(StoreError::Invalid(format!("备份中表“{table}”的 {column} 值“{shown}”无效，未恢复任何内容")));
    }
    Ok(())
}

impl Restore {
    /// One row of `table`, as JSON text.
    pub async fn insert(&mut self, table: &str, row: &str) -> StoreResult<()> {
        if !TABLES.contains(&table) {
            return Err(StoreError::Invalid(format!("备份中有未知的表“{table}”")));
        }
        let value: Value = serde_json::from_str(row)
            .map_err(|e| StoreError::Invalid(format!("备份中表“{table}”的一行无法读取：{e}")))?;
        if !value.is_object() {
            return Err(StoreError::Invalid(format!("备份中表“{table}”的一行不是对象")));
        }
        check_domain(table, &value)?;
        match &mut self.tx {
            RestoreTx::Sqlite(tx) => {
                if !self.statements.contains_key(table) {
                    let columns: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                    )))
                    .fetch_all(&mut **tx)
                    .await?;
                    let names: Vec<String> = columns.iter().map(|(c,)| quoted(c)).collect();
                    let values: Vec<String> =
                        columns.iter().map(|(c,)| format!("json_extract($1, '$.\"{c}\"')")).collect();
                    let verb = if table == "audit_head" { "INSERT OR REPLACE" } else { "INSERT" };
                    let sql = format!("{verb} INTO {table} ({}) SELECT {}", names.join(", "), values.join(", "));
                    self.statements.insert(table.to_string(), sql);
                }
                let sql = self.statements[table].clone();
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(row).execute(&mut **tx).await?;
            }
            RestoreTx::Postgres(tx) => {
                let sql = format!("INSERT INTO {table} SELECT * FROM json_populate_record(NULL::{table}, $1::json)");
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(row).execute(&mut **tx).await?;
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Keeps what was restored. Gives the rows restored.
    pub async fn commit(self) -> StoreResult<usize> {
        match self.tx {
            RestoreTx::Sqlite(tx) => tx.commit().await?,
            RestoreTx::Postgres(tx) => tx.commit().await?,
        }
        Ok(self.count)
    }

    /// Continues the numbering and checks the restored audit log with
    /// `store`'s key (its chain, its checkpoints and those in `published`),
    /// inside the transaction: on any problem, dropping the restore keeps
    /// nothing.
    pub async fn verify(&mut self, store: &Store, published: &[Checkpoint]) -> StoreResult<()> {
        use crate::audit_log::{AuditRecord, COLUMNS, CheckpointRecord};
        let entries_sql = format!("SELECT {COLUMNS} FROM audit_events ORDER BY seq");
        const CHECKPOINTS: &str = "SELECT seq, hash, at, mac FROM audit_checkpoints ORDER BY seq";
        let check = |entries: Vec<AuditRecord>, head: (i64, String, Option<String>), stored: Vec<CheckpointRecord>| {
            if head.2.as_deref() != Some(store.keys.audit.key_id().as_str()) {
                return Err(StoreError::WrongKey);
            }
            let mut checkpoints: Vec<Checkpoint> = stored.into_iter().map(Checkpoint::from).collect();
            checkpoints.extend(published.iter().cloned());
            audit::verify(&store.keys.audit, entries.into_iter().map(AuditEntry::from), (head.0, &head.1), &checkpoints)
                .map(|_| ())
                .map_err(|broken| StoreError::Invalid(format!("备份中的审计日志校验失败：{broken}；未恢复任何内容")))
        };
        match &mut self.tx {
            RestoreTx::Sqlite(tx) => {
                let tx = &mut **tx;
                sqlx::query(FILL_TASK_SEQ).execute(&mut *tx).await?;
                let head = sqlx::query_as("SELECT count, hash, key_id FROM audit_head WHERE id = 1")
                    .fetch_one(&mut *tx)
                    .await?;
                let entries = sqlx::query_as(sqlx::AssertSqlSafe(entries_sql.clone())).fetch_all(&mut *tx).await?;
                let stored = sqlx::query_as(CHECKPOINTS).fetch_all(&mut *tx).await?;
                check(entries, head, stored)?;
            }
            RestoreTx::Postgres(tx) => {
                let tx = &mut **tx;
                // The sequences continue after the restored ids.
                for table in NUMBERED {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
                }
                sqlx::query(FILL_TASK_SEQ).execute(&mut *tx).await?;
                let head: Option<(i64, String, Option<String>)> =
                    sqlx::query_as("SELECT count, hash, key_id FROM audit_head WHERE id = 1")
                        .fetch_optional(&mut *tx)
                        .await?;
                let head =
                    head.ok_or_else(|| StoreError::Invalid("备份中缺少审计日志的头记录，未恢复任何内容".into()))?;
                let entries = sqlx::query_as(sqlx::AssertSqlSafe(entries_sql.clone())).fetch_all(&mut *tx).await?;
                let stored = sqlx::query_as(CHECKPOINTS).fetch_all(&mut *tx).await?;
                check(entries, head, stored)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_outside_their_domain_are_refused() {
        let handler = serde_json::json!({ "id": 1, "role": "handler" });
        assert!(check_domain("users", &handler).is_ok());
        let forged = serde_json::json!({ "id": 1, "role": "superuser" });
        assert!(check_domain("users", &forged).unwrap_err().to_string().contains("superuser"));
        let status = serde_json::json!({ "id": 1, "status": "waived" });
        assert!(check_domain("obligations", &status).is_err());
    }
}
