//! Reading the audit log back, checking its chain, signing the head in
//! checkpoints, and signing once a log written before the key existed.

use crate::{BeginWrite, Store, StoreError, StoreResult, audit, on_pool};
use gongkai_domain::audit::{self, AuditEntry, ChainBreak, Checkpoint};

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRecord {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    target: String,
    before: Option<String>,
    after: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<AuditRecord> for AuditEntry {
    fn from(r: AuditRecord) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            target: r.target,
            before: r.before,
            after: r.after,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

pub(crate) const COLUMNS: &str = "seq, at, actor, action, target, before, after, prev_hash, hash";

/// Which entries to read; every field narrows, none is required.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Part of the target's text: "任务事项 12", "温泉镇".
    pub target: Option<String>,
    /// On or after this day (北京时间).
    pub from: Option<chrono::NaiveDate>,
    /// On or before this day (北京时间).
    pub to: Option<chrono::NaiveDate>,
    pub limit: i64,
    /// Entries skipped first (newest first): a page further down.
    pub offset: i64,
}

/// The filter's conditions on $1–$5 (actor, action, target, from, until).
const AUDIT_FILTER: &str = "($1 IS NULL OR actor = $1) AND ($2 IS NULL OR action = $2)
     AND ($3 IS NULL OR target LIKE '%' || $3 || '%') AND ($4 IS NULL OR at >= $4) AND ($5 IS NULL OR at < $5)";

impl AuditFilter {
    /// The days as the log's times: RFC 3339 text in UTC, compared as text;
    /// a day in Beijing begins at 16:00 UTC the day before.
    fn times(&self) -> (Option<String>, Option<String>) {
        let start_of = |day: chrono::NaiveDate| {
            (day.and_time(chrono::NaiveTime::MIN) - chrono::Duration::hours(8)).format("%Y-%m-%dT%H:%M:%S").to_string()
        };
        (self.from.map(start_of), self.to.and_then(|d| d.succ_opt()).map(start_of))
    }
}

impl Store {
    /// The newest entries first, optionally only one actor's or one action's.
    pub async fn audit_entries(
        &self,
        actor: Option<&str>,
        action: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>> {
        let filter = AuditFilter {
            actor: actor.map(String::from),
            action: action.map(String::from),
            limit,
            ..Default::default()
        };
        self.audit_search(&filter).await
    }

    /// The newest entries first that match every field of `filter`.
    pub async fn audit_search(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_events WHERE {AUDIT_FILTER} ORDER BY seq DESC LIMIT $6 OFFSET {}",
            filter.offset.max(0)
        );
        let (from, until) = filter.times();
        let rows: Vec<AuditRecord> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&filter.actor).bind(&filter.action).bind(&filter.target).bind(from).bind(until).bind(filter.limit)
                .fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    /// How many entries match `filter` (its limit and offset aside).
    pub async fn audit_count(&self, filter: &AuditFilter) -> StoreResult<i64> {
        let sql = format!("SELECT COUNT(*) FROM audit_events WHERE {AUDIT_FILTER}");
        let (from, until) = filter.times();
        let (count,): (i64,) = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&filter.actor).bind(&filter.action).bind(&filter.target).bind(from).bind(until)
                .fetch_one(pool).await?
        });
        Ok(count)
    }

    /// Walks the whole chain: `Ok(count)` when intact, else where it breaks.
    /// `published` are checkpoints kept outside the database (the
    /// checkpoint file); those in the database are checked too.
    pub async fn verify_audit(&self, published: &[Checkpoint]) -> StoreResult<Result<i64, ChainBreak>> {
        let sql = format!("SELECT {COLUMNS} FROM audit_events ORDER BY seq");
        let (rows, head, stored): (Vec<AuditRecord>, (i64, String), Vec<CheckpointRecord>) = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let head = sqlx::query_as("SELECT count, hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *tx).await?;
            let stored = sqlx::query_as("SELECT seq, hash, at, mac FROM audit_checkpoints ORDER BY seq").fetch_all(&mut *tx).await?;
            tx.commit().await?;
            (rows, head, stored)
        });
        let mut checkpoints: Vec<Checkpoint> = stored.into_iter().map(Checkpoint::from).collect();
        checkpoints.extend(published.iter().cloned());
        Ok(audit::verify(&self.keys.audit, rows.into_iter().map(AuditEntry::from), (head.0, &head.1), &checkpoints))
    }

    /// Signs the log's head as it is now and keeps the checkpoint; `None`
    /// when the newest checkpoint already names this head.
    pub async fn checkpoint_audit(&self) -> StoreResult<Option<Checkpoint>> {
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let made = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let (seq, hash): (i64, String) =
                sqlx::query_as("UPDATE audit_head SET count = count WHERE id = 1 RETURNING count, hash").fetch_one(&mut *tx).await?;
            let (latest,): (Option<i64>,) = sqlx::query_as("SELECT MAX(seq) FROM audit_checkpoints").fetch_one(&mut *tx).await?;
            if seq == 0 || latest.is_some_and(|latest| latest >= seq) {
                return Ok(None);
            }
            let checkpoint = self.keys.audit.checkpoint(seq, &hash, &at);
            sqlx::query("INSERT INTO audit_checkpoints (seq, hash, at, mac) VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO NOTHING")
                .bind(checkpoint.seq).bind(&checkpoint.hash).bind(&checkpoint.at).bind(&checkpoint.mac)
                .execute(&mut *tx).await?;
            tx.commit().await?;
            checkpoint
        });
        Ok(Some(made))
    }

    /// The checkpoints kept in the database, newest first.
    pub async fn audit_checkpoints(&self, limit: i64) -> StoreResult<Vec<Checkpoint>> {
        let rows: Vec<CheckpointRecord> = on_pool!(self, pool => {
            sqlx::query_as("SELECT seq, hash, at, mac FROM audit_checkpoints ORDER BY seq DESC LIMIT $1")
                .bind(limit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(Checkpoint::from).collect())
    }

    /// Makes sure the log is signed with this store's key: a log from
    /// before signing (no key named in `audit_head`) is checked as it was
    /// chained then, signed entry by entry, and the change is logged with
    /// what the check found; a log signed with another key is refused.
    pub(crate) async fn sign_audit_log(&self) -> StoreResult<()> {
        let key_id = self.keys.audit.key_id();
        let sql = format!("SELECT {COLUMNS} FROM audit_events ORDER BY seq");
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let (count, stored_key): (i64, Option<String>) =
                sqlx::query_as("UPDATE audit_head SET count = count WHERE id = 1 RETURNING count, key_id").fetch_one(&mut *tx).await?;
            match stored_key {
                Some(id) if id == key_id => return Ok(()),
                Some(_) => return Err(StoreError::WrongKey),
                None => {}
            }
            let rows: Vec<AuditRecord> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *tx).await?;
            let (mut old_prev, mut new_prev) = (audit::GENESIS.to_string(), audit::GENESIS.to_string());
            let mut problem: Option<String> = None;
            for (index, record) in rows.into_iter().enumerate() {
                let entry = AuditEntry::from(record);
                let intact = entry.seq == index as i64 + 1
                    && entry.prev_hash == old_prev
                    && audit::unkeyed_hash(&entry.prev_hash, entry.seq, entry.content()) == entry.hash;
                if !intact && problem.is_none() {
                    problem = Some(format!("签名前核查：第 {} 条记录与原哈希链不符", entry.seq));
                }
                let hash = self.keys.audit.chain_hash(&new_prev, entry.seq, entry.content());
                sqlx::query("UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE seq = $3")
                    .bind(&new_prev).bind(&hash).bind(entry.seq).execute(&mut *tx).await?;
                old_prev = entry.hash;
                new_prev = hash;
            }
            sqlx::query("UPDATE audit_head SET hash = $1, key_id = $2 WHERE id = 1").bind(&new_prev).bind(&key_id).execute(&mut *tx).await?;
            if count > 0 {
                let after = problem.unwrap_or_else(|| format!("原哈希链完好，共 {count} 条"));
                audit!(self, tx, "系统", "audit.sign", "审计日志", None, Some(after));
            }
            tx.commit().await?;
        });
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CheckpointRecord {
    seq: i64,
    hash: String,
    at: String,
    mac: String,
}

impl From<CheckpointRecord> for Checkpoint {
    fn from(r: CheckpointRecord) -> Self {
        Checkpoint { seq: r.seq, hash: r.hash, at: r.at, mac: r.mac }
    }
}

/// Checkpoints published outside the database: a file of JSON lines that
/// only grows, beside the key (see SECURITY.md). Someone who can rewrite the
/// database cannot take back what this file already holds.
pub mod checkpoint_file {
    use gongkai_domain::audit::Checkpoint;
    use std::io::{BufRead, Write};
    use std::path::Path;

    /// The checkpoints in the file; none when it does not exist yet. A line
    /// that does not read is an error: the file is evidence.
    pub fn read(path: &Path) -> std::io::Result<Vec<Checkpoint>> {
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut checkpoints = Vec::new();
        for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let checkpoint = serde_json::from_str(&line).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} 第 {} 行：{e}", path.display(), index + 1),
                )
            })?;
            checkpoints.push(checkpoint);
        }
        Ok(checkpoints)
    }

    /// Adds a checkpoint at the end of the file, synced before returning.
    pub fn append(path: &Path, checkpoint: &Checkpoint) -> std::io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        let line = serde_json::to_string(checkpoint).map_err(std::io::Error::other)?;
        writeln!(file, "{line}")?;
        file.sync_all()
    }
}
