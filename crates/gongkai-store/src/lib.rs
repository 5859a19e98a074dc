//! The ledger's storage. One `Store` over SQLite (the embedded default) or
//! PostgreSQL, picked by the URL's scheme. The SQL is written once wherever
//! the dialects agree (`$1` placeholders, `ON CONFLICT`, `RETURNING`) and run
//! on either typed pool through `on_pool!`; migrations are embedded, one
//! folder per backend with the same file names. On a SQLite file the reads
//! every request makes go through rusqlite (`read.rs`, measured faster);
//! every write, and the audit entry it makes, through sqlx.
//!
//! May depend on: `gongkai-domain`; sqlx, rusqlite, tokio (the blocking
//! pool). No use-cases (they are `gongkai-app`'s), no HTTP.

mod assessment;
mod audit_log;
mod backup;
mod catalogues;
mod demo;
mod foi;
mod ids;
mod inspections;
pub mod key_file;
mod ledger;
mod people;
mod read;
mod records;
mod reports;
mod self_inspection;
mod summary;
mod supervision;

use gongkai_domain::audit::AuditKeys;
use gongkai_domain::calendar::{CalendarRow, DayKind};
use gongkai_domain::secret::{Purpose, SecretKey};
use gongkai_domain::units::{Directory, Unit};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

pub use assessment::AssessmentInputs;
pub use audit_log::{AuditFilter, checkpoint_file};
pub use backup::{NOT_BACKED_UP, Restore, TABLES};
pub use catalogues::{CatalogueEvent, CatalogueFilter, CatalogueRow, ItemRow, NewRecordRow, RecordRow};
pub use demo::DemoReport;
pub use foi::{
    AnnualReportText, CaseRow, CaseTally, NewCase, NewRequest, NewRequestEvent, RequestDocumentRow, RequestEventRow,
    RequestFilter, RequestRow, RequestState, RequestTally,
};
pub use ids::{
    CaseId, CatalogueId, FindingId, ItemId, ObligationId, PlanId, RecordId, RequestId, RunId, SubmissionId, TaskId,
    UnitId, UserId,
};
pub use inspections::{
    ColumnToRead, FetchResult, FetchRow, FindingFilter, FindingRow, Inspectable, NewFinding, RunRow,
};
pub use ledger::{
    ImportReport, Light, MilestoneRow, ObligationFilter, ObligationRow, Order, PlanHeading, PlanRow, SOON_DAYS, TaskRow,
};
pub use people::{NewUser, TokenRow, User};
pub use reports::{AttachmentRow, Decision, NewAttachment, NewSubmission, PublishedRow, ReviewRow, SubmissionRow};
pub use self_inspection::SelfInspectionDraft;
pub use summary::{TaskTally, UnitTally, UnitTodo, Versions};
pub use supervision::{
    Contact, DraftRow, ExtensionListRow, ExtensionRow, InboxRow, NewEvent, NoticeRow, Outgoing, SchedulerLock, Subject,
};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("不支持的数据库地址“{0}”：请使用 sqlite://文件路径 或 postgres://…")]
    UnknownScheme(String),
    #[error("找不到{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("与已有数据冲突（{constraint}）")]
    Conflict { constraint: String },
    #[error("数据库中的数据无法读取：{0}")]
    Corrupt(String),
    #[error("数据库错误：{0}")]
    Database(sqlx::Error),
    #[error("数据库错误：{0}")]
    Read(rusqlite::Error),
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The state changed since it was read: another request got there first.
    #[error("{0}")]
    Stale(String),
    #[error("审计日志是用另一把密钥签名的：请使用这个数据库原来的密钥文件（--key-file）或 GONGKAI__SECRET__KEY")]
    WrongKey,
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => StoreError::NotFound("记录".into()),
            sqlx::Error::Database(db) if db.is_unique_violation() || db.is_foreign_key_violation() => {
                StoreError::Conflict { constraint: db.constraint().unwrap_or(db.message()).to_string() }
            }
            _ => StoreError::Database(err),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever typed pool the store holds.
/// The body is compiled once per backend, so one SQL text serves both.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Starts a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`:
/// one that reads and then writes waits for the write lock (the busy
/// timeout) instead of failing with "database is locked" when another
/// connection wrote in between.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// Appends one entry to the audit log inside the transaction `$tx`, signed
/// with `$store`'s key: takes the write lock on `audit_head` first, so
/// concurrent writers queue up and the chain never forks.
macro_rules! audit {
    ($store:expr, $tx:expr, $actor:expr, $action:expr, $target:expr, $before:expr, $after:expr) => {{
        let (seq, prev): (i64, String) =
            sqlx::query_as("UPDATE audit_head SET count = count + 1 WHERE id = 1 RETURNING count, hash")
                .fetch_one(&mut *$tx)
                .await?;
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let (actor, action, target): (&str, &str, &str) = ($actor, $action, $target);
        let (before, after): (Option<String>, Option<String>) = ($before, $after);
        let content = gongkai_domain::audit::Content {
            at: &at,
            actor,
            action,
            target,
            before: before.as_deref(),
            after: after.as_deref(),
        };
        let hash = $store.keys.audit.chain_hash(&prev, seq, content);
        sqlx::query(
            "INSERT INTO audit_events (seq, at, actor, action, target, before, after, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(seq)
        .bind(&at)
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(&before)
        .bind(&after)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *$tx).await?;
    }};
}
pub(crate) use audit;

#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
    /// On a SQLite file, the connections the hot reads take (see `read.rs`).
    pub(crate) readers: Option<std::sync::Arc<read::Readers>>,
    pub(crate) keys: std::sync::Arc<Keys>,
}

/// What the server's key signs in the store.
#[derive(Debug)]
pub(crate) struct Keys {
    pub(crate) audit: AuditKeys,
    pub(crate) backup: SecretKey,
}

/// Which backend a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `postgres://…` and `postgresql://…` are PostgreSQL; `sqlite:…` and a
    /// plain file path are SQLite; any other scheme is refused.
    pub fn from_url(url: &str) -> StoreResult<Backend> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") || !url.contains("://") {
            Ok(Backend::Sqlite)
        } else {
            Err(StoreError::UnknownScheme(url.split("://").next().unwrap_or(url).to_string()))
        }
    }
}

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the database;
    /// `key` signs the audit log and backups. A log signed with another key
    /// is refused; a log from before signing is signed now.
    pub async fn connect(url: &str, key: &SecretKey) -> StoreResult<Store> {
        let (pool, readers) = match Backend::from_url(url)? {
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    // No ping before each use: it doubled the round trips of
                    // a request. A connection the server dropped fails its
                    // next query instead, and is replaced.
                    .test_before_acquire(false)
                    .connect(url)
                    .await?;
                (Pool::Postgres(pool), None)
            }
            Backend::Sqlite => {
                let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
                let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // Anything acknowledged to a user survives a power cut.
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                let file = options.get_filename().to_path_buf();
                let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
                // An in-memory database is one connection's: it is read through sqlx.
                let readers = (file != std::path::Path::new(":memory:")).then(|| read::Readers::new(file));
                (Pool::Sqlite(pool), readers)
            }
        };
        let keys = Keys { audit: AuditKeys::new(key), backup: key.derive(Purpose::Backup) };
        let store = Store { pool, readers, keys: std::sync::Arc::new(keys) };
        store.migrate().await?;
        store.sign_audit_log().await?;
        Ok(store)
    }

    async fn migrate(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Pool::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// The key backups are signed with (derived from the server's key).
    pub fn backup_key(&self) -> SecretKey {
        self.keys.backup.clone()
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn close(&self) {
        if let Some(readers) = &self.readers {
            readers.close();
        }
        on_pool!(self, pool => pool.close().await)
    }

    /// The unit directory.
    pub async fn directory(&self) -> StoreResult<Directory> {
        let rows: Vec<records::UnitRecord> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name, aliases, kind, parent, inferred, note FROM units ORDER BY id").fetch_all(pool).await?
        });
        let units = rows.into_iter().map(records::UnitRecord::into_unit).collect::<StoreResult<Vec<_>>>()?;
        Ok(Directory::new(units))
    }

    /// Adds the units, replacing those with the same full name. With
    /// `replace`, units not in the list are removed unless obligations refer
    /// to them (then the call fails and nothing changes).
    pub async fn save_units(&self, units: &[Unit], replace: bool, actor: &str) -> StoreResult<usize> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
            let after = serde_json::json!({ "units": names, "replace": replace }).to_string();
            audit!(self, tx, actor, "units.import", "单位目录", None, Some(after));
            for unit in units {
                sqlx::query(
                    "INSERT INTO units (name, aliases, kind, parent, inferred, note) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (name) DO UPDATE SET aliases = excluded.aliases, kind = excluded.kind,
                         parent = excluded.parent, inferred = excluded.inferred, note = excluded.note",
                )
                .bind(&unit.name)
                .bind(unit.aliases.join("\n"))
                .bind(unit.kind.as_str())
                .bind(&unit.parent)
                .bind(unit.inferred)
                .bind(&unit.note)
                .execute(&mut *tx)
                .await?;
            }
            if replace {
                let names: Vec<String> = units.iter().map(|u| u.name.clone()).collect();
                let existing: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM units").fetch_all(&mut *tx).await?;
                for (id, name) in existing.into_iter().filter(|(_, n)| !names.contains(n)) {
                    sqlx::query("DELETE FROM units WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(|e| {
                        match StoreError::from(e) {
                            StoreError::Conflict { .. } => StoreError::Conflict { constraint: format!("单位“{name}”已有任务，不能删除") },
                            other => other,
                        }
                    })?;
                }
            }
            tx.commit().await?;
        });
        Ok(units.len())
    }

    /// Adds a unit (`previous` is `None`) or corrects one, found by its
    /// current full name. A renamed unit keeps its old name as an alias, so
    /// lists that still use it are read the same, and keeps its obligations.
    pub async fn save_unit(&self, previous: Option<&str>, unit: &Unit, actor: &str) -> StoreResult<()> {
        let mut unit = unit.clone();
        unit.name = unit.name.trim().to_string();
        if unit.name.is_empty() {
            return Err(StoreError::Invalid("单位全称不能为空".into()));
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM units WHERE name = $1").bind(&unit.name).fetch_optional(&mut *tx).await?;
            match previous {
                None => {
                    if taken.is_some() {
                        return Err(StoreError::Invalid(format!("单位“{}”已在目录中", unit.name)));
                    }
                    sqlx::query("INSERT INTO units (name, aliases, kind, parent, inferred, note) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(&unit.name).bind(unit.aliases.join("\n")).bind(unit.kind.as_str()).bind(&unit.parent)
                        .bind(unit.inferred).bind(&unit.note).execute(&mut *tx).await?;
                    audit!(self, tx, actor, "units.add", &format!("单位“{}”", unit.name), None, Some(serde_json::to_string(&unit).unwrap_or_default()));
                }
                Some(previous) => {
                    let old: Option<records::UnitRecord> = sqlx::query_as(
                        "SELECT id, name, aliases, kind, parent, inferred, note FROM units WHERE name = $1",
                    ).bind(previous).fetch_optional(&mut *tx).await?;
                    let Some(old) = old else {
                        return Err(StoreError::NotFound(format!("单位“{previous}”")));
                    };
                    let id = old.id;
                    let old = old.into_unit()?;
                    if old.name != unit.name {
                        if taken.is_some() {
                            return Err(StoreError::Invalid(format!("单位“{}”已在目录中", unit.name)));
                        }
                        if !unit.aliases.contains(&old.name) {
                            unit.aliases.push(old.name.clone());
                        }
                        // Task rows and confirmations list units by name.
                        let rename = |units: &str| -> String {
                            units.lines().map(|n| if n == old.name { unit.name.as_str() } else { n }).collect::<Vec<_>>().join("\n")
                        };
                        let tasks: Vec<(i64, String)> = sqlx::query_as("SELECT id, units FROM tasks").fetch_all(&mut *tx).await?;
                        for (task_id, units) in tasks.into_iter().filter(|(_, u)| u.lines().any(|n| n == old.name)) {
                            sqlx::query("UPDATE tasks SET units = $1 WHERE id = $2").bind(rename(&units)).bind(task_id).execute(&mut *tx).await?;
                        }
                        let confirmed: Vec<(i64, String, String)> =
                            sqlx::query_as("SELECT plan_id, task_key, units FROM confirmed_members").fetch_all(&mut *tx).await?;
                        for (plan_id, key, units) in confirmed.into_iter().filter(|(_, _, u)| u.lines().any(|n| n == old.name)) {
                            sqlx::query("UPDATE confirmed_members SET units = $1 WHERE plan_id = $2 AND task_key = $3")
                                .bind(rename(&units)).bind(plan_id).bind(key).execute(&mut *tx).await?;
                        }
                        sqlx::query("UPDATE units SET name = $1 WHERE id = $2").bind(&unit.name).bind(id).execute(&mut *tx).await?;
                    }
                    sqlx::query("UPDATE units SET aliases = $1, kind = $2, parent = $3, inferred = $4, note = $5 WHERE id = $6")
                        .bind(unit.aliases.join("\n")).bind(unit.kind.as_str()).bind(&unit.parent)
                        .bind(unit.inferred).bind(&unit.note).bind(id).execute(&mut *tx).await?;
                    audit!(self, tx, actor, "units.edit", &format!("单位“{}”", old.name),
                        Some(serde_json::to_string(&old).unwrap_or_default()), Some(serde_json::to_string(&unit).unwrap_or_default()));
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn unit_count(&self) -> StoreResult<i64> {
        let (count,): (i64,) =
            on_pool!(self, pool => sqlx::query_as("SELECT COUNT(*) FROM units").fetch_one(pool).await?);
        Ok(count)
    }

    /// Calendar rows an admin has added to the built-in ones.
    pub async fn calendar_rows(&self) -> StoreResult<Vec<CalendarRow>> {
        let rows: Vec<(chrono::NaiveDate, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT day, kind, name FROM calendar_days ORDER BY day").fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(day, kind, name)| CalendarRow {
                from: day,
                to: day,
                kind: if kind == "workday" { DayKind::Workday } else { DayKind::Holiday },
                name,
            })
            .collect())
    }

    /// The calendar in force: the built-in years and the rows an admin added.
    pub async fn calendar(&self) -> StoreResult<gongkai_domain::calendar::Calendar> {
        let mut calendar = gongkai_domain::calendar::builtin().clone();
        calendar.extend(&self.calendar_rows().await?);
        Ok(calendar)
    }

    pub async fn add_calendar_rows(&self, rows: &[CalendarRow], actor: &str) -> StoreResult<usize> {
        let mut days = 0;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let after = rows.iter().map(|r| format!("{} {}..{} {:?}", r.name, r.from, r.to, r.kind)).collect::<Vec<_>>().join("\n");
            audit!(self, tx, actor, "calendar.import", "节假日安排", None, Some(after));
            for row in rows {
                let mut day = row.from;
                while day <= row.to {
                    let kind = match row.kind { DayKind::Holiday => "holiday", DayKind::Workday => "workday" };
                    sqlx::query("INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)
                                 ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name")
                        .bind(day).bind(kind).bind(&row.name).execute(&mut *tx).await?;
                    days += 1;
                    day = match day.succ_opt() { Some(next) => next, None => break };
                }
            }
            tx.commit().await?;
        });
        Ok(days)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_backends_have_the_same_migrations() {
        let names = |dir: &str| {
            let mut names: Vec<String> = std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        assert!(!names("sqlite").is_empty());
        assert_eq!(names("sqlite"), names("postgres"));
    }

    #[test]
    fn the_database_refuses_exactly_the_words_the_enums_do_not_have() {
        use gongkai_domain::status::{Decision, DeliveryStatus, DraftStatus, ExtensionStatus, ObligationStatus};
        let words = |all: Vec<&str>| all.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(", ");
        let columns = [
            ("obligations_status", words(ObligationStatus::ALL.iter().map(|s| s.as_str()).collect())),
            ("reviews_decision", words(Decision::ALL.iter().map(|s| s.as_str()).collect())),
            ("extensions_status", words(ExtensionStatus::ALL.iter().map(|s| s.as_str()).collect())),
            ("deliveries_status", words(DeliveryStatus::ALL.iter().map(|s| s.as_str()).collect())),
            ("notice_drafts_status", words(DraftStatus::ALL.iter().map(|s| s.as_str()).collect())),
            ("users_role", words(gongkai_domain::people::Role::ALL.iter().map(|r| r.as_str()).collect())),
            ("units_kind", words(gongkai_domain::units::UnitKind::ALL.iter().map(|k| k.as_str()).collect())),
        ];
        for backend in ["sqlite", "postgres"] {
            let read = |file: &str| {
                std::fs::read_to_string(format!("{}/migrations/{backend}/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap()
            };
            let sql = read("0013_checks.sql") + &read("0017_notice_drafts.sql");
            for (name, list) in &columns {
                let column = name.rsplit_once('_').unwrap().1;
                let at = sql.find(&format!("{name}_check")).unwrap_or_else(|| panic!("{backend}: no check on {name}"));
                assert!(
                    sql[at..].contains(&format!("{column} IN ({list})"))
                        || sql[at..].contains(&format!("NEW.{column} NOT IN ({list})")),
                    "{backend}: {name} allows other words than ({list})"
                );
            }
        }
    }

    #[test]
    fn the_backend_comes_from_the_url_scheme_and_others_are_refused() {
        use super::Backend;
        assert_eq!(Backend::from_url("postgres://u@localhost/db").unwrap(), Backend::Postgres);
        assert_eq!(Backend::from_url("sqlite://data/gongkai.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::from_url("gongkai.db").unwrap(), Backend::Sqlite);
        assert!(Backend::from_url("mysql://localhost/db").is_err());
    }
}

impl Store {
    /// Moves an obligation along its workflow (pending → submitted → …), on
    /// the status it had when read.
    pub async fn set_obligation_status(&self, id: ObligationId, status: &str, actor: &str) -> StoreResult<()> {
        if gongkai_domain::status::ObligationStatus::parse(status).is_none() {
            return Err(StoreError::Invalid(format!("未知的状态“{status}”")));
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before: Option<(String,)> = sqlx::query_as("SELECT status FROM obligations WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
            let Some((before,)) = before else {
                return Err(StoreError::NotFound(format!("任务事项 {id}")));
            };
            let moved = sqlx::query("UPDATE obligations SET status = $1 WHERE id = $2 AND status = $3")
                .bind(status).bind(id).bind(&before).execute(&mut *tx).await?.rows_affected();
            if moved == 0 {
                return Err(StoreError::Stale("这项任务的状态刚被他人更改，请刷新页面查看".into()));
            }
            audit!(self, tx, actor, "obligation.status", &format!("任务事项 {id}"), Some(before), Some(status.to_string()));
            tx.commit().await?;
        });
        Ok(())
    }
}

/// Fresh databases for tests: each call gives the URL of a new, empty one.
pub mod scratch {
    use sqlx::Connection;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static NEXT: AtomicUsize = AtomicUsize::new(0);

    /// The PostgreSQL server the tests may use (`GONGKAI_TEST_PG_URL`); `None`
    /// skips a test, unless `GONGKAI_REQUIRE_PG` says a server must be there
    /// (scripts/test.sh sets both).
    pub fn postgres_server() -> Option<String> {
        match std::env::var("GONGKAI_TEST_PG_URL") {
            Ok(url) => Some(url),
            Err(_) => {
                assert!(std::env::var_os("GONGKAI_REQUIRE_PG").is_none(), "GONGKAI_TEST_PG_URL must be set");
                eprintln!("GONGKAI_TEST_PG_URL is not set: the PostgreSQL run is left to scripts/test.sh");
                None
            }
        }
    }

    /// A new SQLite file inside `dir`.
    pub fn sqlite_url(dir: &std::path::Path) -> String {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        format!("sqlite://{}", dir.join(format!("scratch-{n}.db")).display())
    }

    /// A new database on the PostgreSQL server behind `server_url`.
    pub async fn postgres_url(server_url: &str) -> Result<String, sqlx::Error> {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("gongkai_scratch_{}_{n}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(server_url).await?;
        // The name is made here from digits, never from input.
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).execute(&mut admin).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await?;
        admin.close().await?;
        let base = server_url.rsplit_once('/').map_or(server_url, |(base, _)| base);
        Ok(format!("{base}/{name}"))
    }
}
