//! Reads on SQLite through rusqlite, for what nearly every request reads:
//! the caller (token or session), the cache stamps, a unit's list, its
//! inbox and notices. A row read through sqlx-sqlite costs about three times
//! one read through rusqlite, because each row is handed from the driver's
//! thread to the caller's (measured: `../shared/ceiling/` and
//! `scripts/bench-ceiling.sh`). These reads run on tokio's blocking pool
//! over read-only connections that keep their statements prepared; the SQL
//! is the very text PostgreSQL runs through sqlx. Writes, and reads inside a
//! write, stay on sqlx: one way to change the ledger.

use crate::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, Row, Statement};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Reads at once, each on a connection of its own, kept open between
/// reads (opening one parses the schema). More callers wait their turn: on
/// two cores more would only take turns on them.
const AT_ONCE: usize = 8;

/// A value bound to a query built at run time, for either driver.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Null,
    Text(String),
    Int(i64),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

/// The database file's read-only connections.
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    turns: tokio::sync::Semaphore,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Readers {
    pub(crate) fn new(path: PathBuf) -> Arc<Readers> {
        Arc::new(Readers { path, idle: Mutex::new(Vec::new()), turns: tokio::sync::Semaphore::new(AT_ONCE) })
    }

    /// Runs `read` on a connection of the pool, off the async threads.
    pub(crate) async fn read<T, F>(self: &Arc<Self>, read: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let _turn = self.turns.acquire().await.map_err(|_| StoreError::Corrupt("数据库已关闭".into()))?;
        let readers = self.clone();
        tokio::task::spawn_blocking(move || {
            let connection = readers.take()?;
            let result = read(&connection);
            readers.give_back(connection);
            result
        })
        .await
        .map_err(|error| StoreError::Corrupt(format!("读取中断：{error}")))?
        .map_err(StoreError::from)
    }

    /// Runs `read` here, on the calling task's thread: for a read by key of
    /// a row or a few (the caller, the cache stamps), which takes less time
    /// than handing it to the blocking pool and back (measured: 我的任务
    /// made five such hand-overs, and they cost a third of its time). A
    /// read of a list goes through [`Readers::read`].
    pub(crate) async fn read_now<T>(
        self: &Arc<Self>,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> StoreResult<T> {
        let _turn = self.turns.acquire().await.map_err(|_| StoreError::Corrupt("数据库已关闭".into()))?;
        let connection = self.take()?;
        let result = read(&connection);
        self.give_back(connection);
        Ok(result?)
    }

    /// Closes the connections kept (on `Store::close`).
    pub(crate) fn close(&self) {
        self.lock().clear();
    }

    fn take(&self) -> rusqlite::Result<Connection> {
        if let Some(connection) = self.lock().pop() {
            return Ok(connection);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let connection = Connection::open_with_flags(&self.path, flags)?;
        connection.busy_timeout(Duration::from_secs(10))?;
        // The filters make a few dozen shapes of query; keep them all.
        connection.set_prepared_statement_cache_capacity(64);
        Ok(connection)
    }

    fn give_back(&self, connection: Connection) {
        self.lock().push(connection);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // A connection is pushed or popped whole: a panic elsewhere leaves the list usable.
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The rows of `sql` with `args` bound to `$1`, `$2`, … (the placeholders
/// both databases read), each made by `row`.
pub(crate) fn rows<T>(
    connection: &Connection,
    sql: &str,
    args: &[Arg],
    mut row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut statement = connection.prepare_cached(sql)?;
    bind(&mut statement, args)?;
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(found) = rows.next()? {
        out.push(row(found)?);
    }
    Ok(out)
}

/// Binds `$n` to `args[n - 1]`, stored as sqlx stores the same types on
/// SQLite (dates as `YYYY-MM-DD`, times as RFC 3339), so that a value
/// compares with stored ones as it does through sqlx.
fn bind(statement: &mut Statement<'_>, args: &[Arg]) -> rusqlite::Result<()> {
    for (n, arg) in args.iter().enumerate() {
        let Some(index) = statement.parameter_index(&format!("${}", n + 1))? else {
            continue;
        };
        match arg {
            Arg::Null => statement.raw_bind_parameter(index, rusqlite::types::Null)?,
            Arg::Text(text) => statement.raw_bind_parameter(index, text)?,
            Arg::Int(number) => statement.raw_bind_parameter(index, number)?,
            Arg::Date(day) => statement.raw_bind_parameter(index, day.format("%F").to_string())?,
            Arg::Time(time) => {
                statement.raw_bind_parameter(index, time.to_rfc3339_opts(SecondsFormat::AutoSi, false))?
            }
        }
    }
    Ok(())
}

/// A date column (`YYYY-MM-DD`, as sqlx writes it), or none. Read by hand:
/// chrono's format parser costs more than the rest of the row.
pub(crate) fn date(row: &Row<'_>, column: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let Some(text) = row.get_ref(column)?.as_str_or_null()? else {
        return Ok(None);
    };
    let digits = |range: std::ops::Range<usize>| {
        text.get(range).filter(|d| d.bytes().all(|b| b.is_ascii_digit())).and_then(|d| d.parse::<u32>().ok())
    };
    let parsed = match (text.len(), text.as_bytes().get(4), text.as_bytes().get(7)) {
        (10, Some(b'-'), Some(b'-')) => match (digits(0..4), digits(5..7), digits(8..10)) {
            (Some(year), Some(month), Some(day)) => NaiveDate::from_ymd_opt(year as i32, month, day),
            _ => None,
        },
        _ => None,
    };
    parsed.map(Some).ok_or_else(|| corrupt(column, format!("日期“{text}”无法识别")))
}

/// A date column that is never empty.
pub(crate) fn day(row: &Row<'_>, column: usize) -> rusqlite::Result<NaiveDate> {
    date(row, column)?.ok_or_else(|| corrupt(column, "日期为空"))
}

/// A column whose value the domain refuses (a status no enum knows).
pub(crate) fn corrupt(column: usize, message: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, message.to_string().into())
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        match err {
            rusqlite::Error::FromSqlConversionFailure(column, _, cause) => {
                StoreError::Corrupt(format!("第 {} 列：{cause}", column + 1))
            }
            rusqlite::Error::InvalidColumnType(column, name, _) => {
                StoreError::Corrupt(format!("第 {} 列（{name}）类型不符", column + 1))
            }
            other => StoreError::Read(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn placeholders_bind_by_number_whatever_their_order_in_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        Connection::open(&path).unwrap().execute_batch("CREATE TABLE t (a TEXT, b INTEGER)").unwrap();
        let readers = Readers::new(path);
        let got = readers
            .read(|c| {
                rows(c, "SELECT $2 || '', $1, $3 IS NULL, $4, $5", &args(), |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, bool>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                })
            })
            .await
            .unwrap();
        let day = NaiveDate::from_ymd_opt(2020, 11, 30).unwrap();
        let time = day.and_hms_opt(8, 0, 0).unwrap().and_utc();
        assert_eq!(
            got,
            vec![(
                "二".to_string(),
                1,
                true,
                day.format("%F").to_string(),
                time.to_rfc3339_opts(SecondsFormat::AutoSi, false)
            )]
        );
        // The connection went back and is used again.
        assert_eq!(readers.lock().len(), 1);
        let failed = readers.read(|c| rows(c, "SELECT nothing FROM t", &[], |r| r.get::<_, i64>(0))).await;
        assert!(matches!(failed, Err(StoreError::Read(_))), "{failed:?}");
        let written = readers.read(|c| c.execute("INSERT INTO t VALUES ('x', 1)", [])).await;
        assert!(written.is_err(), "the connections only read");

        fn args() -> Vec<Arg> {
            let day = NaiveDate::from_ymd_opt(2020, 11, 30).unwrap();
            vec![
                Arg::Int(1),
                Arg::Text("二".into()),
                Arg::Null,
                Arg::Date(day),
                Arg::Time(day.and_hms_opt(8, 0, 0).unwrap().and_utc()),
            ]
        }
    }

    #[tokio::test]
    async fn dates_read_as_sqlx_wrote_them_and_anything_else_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.db");
        Connection::open(&path).unwrap().execute_batch("CREATE TABLE t (d TEXT)").unwrap();
        let readers = Readers::new(path);
        let read = |text: &'static str| {
            let readers = readers.clone();
            async move { readers.read(move |c| rows(c, &format!("SELECT {text}"), &[], |r| date(r, 0))).await }
        };
        assert_eq!(read("'2020-02-29'").await.unwrap(), vec![NaiveDate::from_ymd_opt(2020, 2, 29)]);
        assert_eq!(read("NULL").await.unwrap(), vec![None]);
        for wrong in ["'2021-02-29'", "'2020-2-28 '", "'20x0-02-28'", "'２０２０-02-28'", "''"] {
            let failed = read(wrong).await;
            assert!(matches!(&failed, Err(StoreError::Corrupt(m)) if m.contains("日期")), "{wrong}: {failed:?}");
        }
    }
}
