//! Accounts, API tokens and sessions. Secrets are stored only as hashes made
//! by the caller (argon2 for passwords, SHA-256 for random tokens).

use crate::read::{self, Arg};
use crate::{BeginWrite, Store, StoreError, StoreResult, UnitId, UserId, audit, on_pool};
use chrono::{DateTime, Utc};
use gongkai_domain::people::Role;
use serde::Serialize;

/// An account as the rest of the system sees it.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// The unit's full name, for roles bound to a unit.
    pub unit: Option<String>,
    pub unit_id: Option<UnitId>,
    #[serde(skip)]
    pub password_hash: String,
    pub must_change_password: bool,
    pub disabled: bool,
}

impl User {
    /// The account's state as the administrator reads it.
    pub fn state_label(&self) -> &'static str {
        match (self.disabled, self.must_change_password) {
            (true, _) => "已停用",
            (false, true) => "待修改初始密码",
            (false, false) => "正常",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// Full name of the unit (required for handler and head).
    pub unit: Option<String>,
    pub password_hash: String,
    pub must_change_password: bool,
}

#[derive(sqlx::FromRow)]
struct UserRecord {
    id: UserId,
    login: String,
    display_name: String,
    role: String,
    unit: Option<String>,
    unit_id: Option<UnitId>,
    password_hash: String,
    must_change_password: bool,
    disabled: bool,
}

impl UserRecord {
    /// A row of [`USER_COLUMNS`], read through rusqlite.
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserRecord> {
        Ok(UserRecord {
            id: row.get(0)?,
            login: row.get(1)?,
            display_name: row.get(2)?,
            role: row.get(3)?,
            unit: row.get(4)?,
            unit_id: row.get(5)?,
            password_hash: row.get(6)?,
            must_change_password: row.get(7)?,
            disabled: row.get(8)?,
        })
    }

    fn into_user(self) -> StoreResult<User> {
        Ok(User {
            role: self.role.parse().map_err(StoreError::Corrupt)?,
            id: self.id,
            login: self.login,
            display_name: self.display_name,
            unit: self.unit,
            unit_id: self.unit_id,
            password_hash: self.password_hash,
            must_change_password: self.must_change_password,
            disabled: self.disabled,
        })
    }
}

const USER_COLUMNS: &str = "u.id, u.login, u.display_name, u.role, n.name AS unit, u.unit_id, u.password_hash,
     u.must_change_password, u.disabled";
const USER_TABLES: &str = "users u LEFT JOIN units n ON n.id = u.unit_id";

/// An API token as its owner and the administrator see it (never the token).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    /// Whether the token works at `now`, in words.
    pub fn state_label(&self, now: DateTime<Utc>) -> &'static str {
        match (self.revoked_at, self.expires_at) {
            (Some(_), _) => "已撤销",
            (None, Some(end)) if end <= now => "已过期",
            _ => "有效",
        }
    }
}

#[derive(sqlx::FromRow)]
struct SessionRecord {
    #[sqlx(flatten)]
    user: UserRecord,
    csrf: String,
}

impl Store {
    pub async fn create_user(&self, new: &NewUser, actor: &str) -> StoreResult<UserId> {
        if new.role.is_unit_bound() && new.unit.is_none() {
            return Err(StoreError::Invalid(format!("{}账号必须属于一个单位（--unit）", new.role.label())));
        }
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let unit_id: Option<UnitId> = match &new.unit {
                Some(name) => Some(
                    sqlx::query_as::<_, (UnitId,)>("SELECT id FROM units WHERE name = $1")
                        .bind(name)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(|| StoreError::NotFound(format!("单位“{name}”")))?
                        .0,
                ),
                None => None,
            };
            let (id,): (UserId,) = sqlx::query_as(
                "INSERT INTO users (login, display_name, role, unit_id, password_hash, must_change_password, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&new.login).bind(&new.display_name).bind(new.role.as_str()).bind(unit_id)
            .bind(&new.password_hash).bind(new.must_change_password).bind(Utc::now())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict { .. } => StoreError::Invalid(format!("登录名“{}”已被使用", new.login)),
                other => other,
            })?;
            let after = serde_json::json!({ "login": new.login, "role": new.role, "unit": new.unit }).to_string();
            audit!(self, tx, actor, "user.create", &format!("账号 {}", new.login), None, Some(after));
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// The user's new password (its hash); clears the must-change flag and
    /// ends every other session of the user (`keep` is the one in use).
    pub async fn set_password(
        &self,
        user_id: UserId,
        password_hash: &str,
        keep: Option<&str>,
        actor: &str,
    ) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE users SET password_hash = $1, must_change_password = FALSE WHERE id = $2")
                .bind(password_hash).bind(user_id).execute(&mut *tx).await?;
            let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR id_hash <> $2)")
                .bind(user_id).bind(keep).execute(&mut *tx).await?.rows_affected();
            audit!(self, tx, actor, "user.password", &format!("账号 #{user_id}"), None, Some(format!("结束其他登录 {ended} 个")));
            tx.commit().await?;
        });
        Ok(())
    }

    /// An administrator gives the account a one-time password (its hash):
    /// it must be changed at the next sign-in, and every session ends.
    pub async fn reset_password(&self, user_id: UserId, password_hash: &str, actor: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query("UPDATE users SET password_hash = $1, must_change_password = TRUE WHERE id = $2")
                .bind(password_hash).bind(user_id).execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Err(StoreError::NotFound(format!("账号 #{user_id}")));
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            audit!(self, tx, actor, "user.reset", &format!("账号 #{user_id}"), None, None);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Disables an account (its sessions end and its tokens stop working)
    /// or enables it again.
    pub async fn set_disabled(&self, user_id: UserId, disabled: bool, actor: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2 AND disabled <> $1")
                .bind(disabled).bind(user_id).execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Ok(());
            }
            if disabled {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            }
            let action = if disabled { "user.disable" } else { "user.enable" };
            audit!(self, tx, actor, action, &format!("账号 #{user_id}"), None, None);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The administrator corrects an account's 姓名, the name people see.
    pub async fn rename_user(&self, user_id: UserId, name: &str, actor: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before: Option<(String,)> = sqlx::query_as("SELECT display_name FROM users WHERE id = $1")
                .bind(user_id).fetch_optional(&mut *tx).await?;
            let Some((before,)) = before else {
                return Err(StoreError::NotFound("账号".into()));
            };
            if before == name {
                return Ok(());
            }
            let changed = sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2 AND display_name = $3")
                .bind(name).bind(user_id).bind(&before).execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Err(StoreError::Stale("这个账号的姓名刚刚已被他人修改，本次未保存：请刷新页面查看".into()));
            }
            audit!(self, tx, actor, "user.rename", &format!("账号 #{user_id}"), Some(before), Some(name.to_string()));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every account, by login.
    pub async fn users(&self) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM {USER_TABLES} ORDER BY u.login");
        let rows: Vec<UserRecord> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?
        });
        rows.into_iter().map(UserRecord::into_user).collect()
    }

    /// Counts a sign-in attempt for `login` before its password is checked,
    /// in one statement that every server shares: `false` once more than
    /// `max` attempts came within `window` of each other (the login is locked
    /// until `window` has passed since the last). A success clears the count.
    pub async fn count_login_attempt(&self, login: &str, max: i64, window: chrono::Duration) -> StoreResult<bool> {
        let now = Utc::now();
        let since = now - window;
        let (count,): (i64,) = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM login_failures WHERE last_at < $1").bind(since).execute(&mut *tx).await?;
            let count = sqlx::query_as(
                "INSERT INTO login_failures (login, count, first_at, last_at) VALUES ($1, 1, $2, $2)
                 ON CONFLICT (login) DO UPDATE SET count = login_failures.count + 1, last_at = excluded.last_at
                 RETURNING count",
            )
            .bind(login).bind(now).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            count
        });
        Ok(count <= max)
    }

    /// A successful sign-in forgets the attempts before it.
    pub async fn clear_login_attempts(&self, login: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM login_failures WHERE login = $1").bind(login).execute(pool).await?;
        });
        Ok(())
    }

    /// Records a calendar subscription for a unit (by full name).
    pub async fn create_feed(&self, unit: &str, token_hash: &str, actor: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let (unit_id,): (i64,) = sqlx::query_as("SELECT id FROM units WHERE name = $1")
                .bind(unit).fetch_optional(&mut *tx).await?
                .ok_or_else(|| StoreError::NotFound(format!("单位“{unit}”")))?;
            sqlx::query("INSERT INTO calendar_feeds (token_hash, unit_id, created_at) VALUES ($1, $2, $3)")
                .bind(token_hash).bind(unit_id).bind(Utc::now()).execute(&mut *tx).await?;
            audit!(self, tx, actor, "calendar.feed", &format!("{unit} 的日历订阅"), None, None);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The unit a calendar subscription belongs to.
    pub async fn feed_unit(&self, token_hash: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT u.name FROM calendar_feeds f JOIN units u ON u.id = f.unit_id WHERE f.token_hash = $1")
                .bind(token_hash).fetch_optional(pool).await?
        });
        Ok(row.map(|(name,)| name))
    }

    pub async fn user_count(&self) -> StoreResult<i64> {
        let (count,): (i64,) =
            on_pool!(self, pool => sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(pool).await?);
        Ok(count)
    }

    pub async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM {USER_TABLES} WHERE u.login = $1");
        let row: Option<UserRecord> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(login).fetch_optional(pool).await?
        });
        row.map(UserRecord::into_user).transpose()
    }

    /// Stores a token's hash for a user, with a name to know it by and an
    /// optional expiry; the token itself is never stored. Gives its id.
    pub async fn create_token(
        &self,
        user_id: UserId,
        token_hash: &str,
        name: &str,
        expires_at: Option<DateTime<Utc>>,
        actor: &str,
    ) -> StoreResult<i64> {
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO api_tokens (user_id, token_hash, created_at, name, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(user_id).bind(token_hash).bind(Utc::now()).bind(name).bind(expires_at)
            .fetch_one(&mut *tx).await?;
            let after = serde_json::json!({ "token": id, "name": name, "expires_at": expires_at }).to_string();
            audit!(self, tx, actor, "token.create", &format!("账号 #{user_id} 的接口令牌"), None, Some(after));
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Tokens, newest first: of one account, or of everyone.
    pub async fn tokens(&self, user_id: Option<UserId>) -> StoreResult<Vec<TokenRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT t.id, t.user_id, u.login, u.display_name, t.name, t.created_at, t.expires_at, t.revoked_at
                 FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE ($1 IS NULL OR t.user_id = $1) ORDER BY t.id DESC",
            ).bind(user_id).fetch_all(pool).await?
        }))
    }

    /// Revokes a token (of `owner` only, when given); once is enough.
    pub async fn revoke_token(&self, id: i64, owner: Option<UserId>, actor: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let found: Option<(i64, Option<DateTime<Utc>>)> =
                sqlx::query_as("SELECT user_id, revoked_at FROM api_tokens WHERE id = $1 AND ($2 IS NULL OR user_id = $2)")
                    .bind(id).bind(owner).fetch_optional(&mut *tx).await?;
            let Some((user_id, revoked)) = found else {
                return Err(StoreError::NotFound(format!("接口令牌 #{id}")));
            };
            if revoked.is_some() {
                return Ok(());
            }
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(Utc::now()).bind(id).execute(&mut *tx).await?;
            audit!(self, tx, actor, "token.revoke", &format!("账号 #{user_id} 的接口令牌 #{id}"), None, None);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The user a live token belongs to: not revoked, not expired, account enabled.
    pub async fn user_by_token(&self, token_hash: &str) -> StoreResult<Option<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM {USER_TABLES} JOIN api_tokens t ON t.user_id = u.id
             WHERE t.token_hash = $1 AND u.disabled = FALSE AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)"
        );
        let now = Utc::now();
        let row: Option<UserRecord> = match &self.readers {
            Some(readers) => {
                let args = [Arg::Text(token_hash.to_string()), Arg::Time(now)];
                readers.read_now(|c| read::rows(c, &sql, &args, UserRecord::read)).await?.pop()
            }
            None => on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).bind(now).fetch_optional(pool).await?
            }),
        };
        row.map(UserRecord::into_user).transpose()
    }

    /// Records a sign-in (or a failed one) in the audit log.
    pub async fn record_login(&self, login: &str, succeeded: bool, from: &str) -> StoreResult<()> {
        let action = if succeeded { "login" } else { "login.failed" };
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            audit!(self, tx, login, action, &format!("来自 {from}"), None, None);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn create_session(
        &self,
        id_hash: &str,
        user_id: UserId,
        csrf: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(id_hash).bind(user_id).bind(csrf).bind(expires_at)
                .execute(pool).await?;
        });
        Ok(())
    }

    /// The user and CSRF token of a live session.
    pub async fn session(&self, id_hash: &str) -> StoreResult<Option<(User, String)>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf FROM {USER_TABLES} JOIN sessions s ON s.user_id = u.id
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled = FALSE"
        );
        let now = Utc::now();
        let row: Option<SessionRecord> = match &self.readers {
            Some(readers) => {
                let args = [Arg::Text(id_hash.to_string()), Arg::Time(now)];
                let record =
                    |row: &rusqlite::Row<'_>| Ok(SessionRecord { user: UserRecord::read(row)?, csrf: row.get(9)? });
                readers.read_now(|c| read::rows(c, &sql, &args, record)).await?.pop()
            }
            None => on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id_hash).bind(now).fetch_optional(pool).await?
            }),
        };
        row.map(|r| Ok((r.user.into_user()?, r.csrf))).transpose()
    }

    pub async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(pool).await?;
        });
        Ok(())
    }
}
