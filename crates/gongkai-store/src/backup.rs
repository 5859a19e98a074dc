//! Backup and restore, portable between the backends: every table's rows as
//! JSON, read inside one snapshot (so a backup taken while serving is
//! consistent), and written back into a new, empty database of either kind.
//! Rows keep their ids and the audit log its hashes, so the chain verifies
//! after a restore.

use crate::{BeginWrite, Pool, Store, StoreError, StoreResult};
use serde_json::Value;

/// Tables in the order their references need; sessions are not kept (a
/// restored system signs everyone in again) and `audit_head` is written
/// over the row every new database has.
/// Backups from before obligations carried their task's number (migration
/// 0011) restore without it; it is filled in from the tasks.
const FILL_TASK_SEQ: &str = "UPDATE obligations SET task_seq = (SELECT seq FROM tasks WHERE tasks.id = obligations.task_id) WHERE task_seq IS NULL";

pub const TABLES: [&str; 21] = [
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
];

/// Tables whose `id` the database numbers (PostgreSQL's sequences follow).
const NUMBERED: [&str; 15] = [
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
];

/// One table's rows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TableRows {
    pub table: String,
    pub rows: Vec<Value>,
}

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

impl Store {
    /// Every table's rows, read in one snapshot.
    pub async fn dump(&self) -> StoreResult<Vec<TableRows>> {
        let mut out = Vec::new();
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut tx = pool.begin().await?;
                for table in TABLES {
                    let columns: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                    )))
                    .fetch_all(&mut *tx)
                    .await?;
                    let pairs: Vec<String> = columns.iter().map(|(c,)| format!("'{c}', {}", quoted(c))).collect();
                    let sql = format!("SELECT json_object({}) FROM {table} ORDER BY rowid", pairs.join(", "));
                    let rows: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *tx).await?;
                    out.push(parse(table, rows)?);
                }
                tx.commit().await?;
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
                for table in TABLES {
                    let sql = format!("SELECT row_to_json(t)::text FROM {table} t ORDER BY t");
                    let rows: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *tx).await?;
                    out.push(parse(table, rows)?);
                }
                tx.commit().await?;
            }
        }
        Ok(out)
    }

    /// Writes a dump into this database, which must be new: nothing but
    /// what a fresh database has. All or nothing.
    pub async fn load(&self, dump: &[TableRows]) -> StoreResult<usize> {
        if let Some(unknown) = dump.iter().find(|t| !TABLES.contains(&t.table.as_str())) {
            return Err(StoreError::Invalid(format!("备份中有未知的表“{}”", unknown.table)));
        }
        let (units,): (i64,) =
            crate::on_pool!(self, pool => sqlx::query_as("SELECT COUNT(*) FROM units").fetch_one(pool).await?);
        let (users,): (i64,) =
            crate::on_pool!(self, pool => sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(pool).await?);
        if units + users > 0 {
            return Err(StoreError::Invalid("只能恢复到新建的空数据库：这个数据库里已有数据".into()));
        }
        let mut count = 0;
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut tx = pool.begin_write().await?;
                for table in dump {
                    let columns: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "SELECT name FROM pragma_table_info('{}') ORDER BY cid",
                        table.table
                    )))
                    .fetch_all(&mut *tx)
                    .await?;
                    let names: Vec<String> = columns.iter().map(|(c,)| quoted(c)).collect();
                    let values: Vec<String> =
                        columns.iter().map(|(c,)| format!("json_extract($1, '$.\"{c}\"')")).collect();
                    let verb = if table.table == "audit_head" { "INSERT OR REPLACE" } else { "INSERT" };
                    let sql =
                        format!("{verb} INTO {} ({}) SELECT {}", table.table, names.join(", "), values.join(", "));
                    for row in &table.rows {
                        sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(row.to_string()).execute(&mut *tx).await?;
                        count += 1;
                    }
                }
                sqlx::query(FILL_TASK_SEQ).execute(&mut *tx).await?;
                tx.commit().await?;
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin_write().await?;
                for table in dump {
                    let name = &table.table;
                    if name == "audit_head" {
                        sqlx::query("DELETE FROM audit_head").execute(&mut *tx).await?;
                    }
                    let sql = format!("INSERT INTO {name} SELECT * FROM json_populate_record(NULL::{name}, $1::json)");
                    for row in &table.rows {
                        sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(row.to_string()).execute(&mut *tx).await?;
                        count += 1;
                    }
                }
                // The sequences continue after the restored ids.
                for table in NUMBERED {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
                }
                sqlx::query(FILL_TASK_SEQ).execute(&mut *tx).await?;
                tx.commit().await?;
            }
        }
        Ok(count)
    }
}

fn parse(table: &str, rows: Vec<(String,)>) -> StoreResult<TableRows> {
    let rows = rows
        .into_iter()
        .map(|(text,)| serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{table}：{e}"))))
        .collect::<StoreResult<Vec<Value>>>()?;
    Ok(TableRows { table: table.to_string(), rows })
}
